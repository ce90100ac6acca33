package client

import (
	"context"
	"encoding/json"
	"fmt"
)

// NextCursorHeader is the response header that carries the cursor of the
// next page of machine and volume lists.
const NextCursorHeader = "fly-next-cursor"

// maxPages bounds how many pages one list call follows.
const maxPages = 10000

// ListOptions selects pages of a paginated list. Without Limit a list
// method follows every page to the end; with Limit it makes one call for at
// most Limit items (the API treats it as advice: pages may be shorter).
type ListOptions struct {
	// Limit asks for one page of at most this many items.
	Limit int
	// Cursor starts the list at a page returned earlier.
	Cursor string
	// Next, when not nil, receives the cursor of the page after the last one
	// read ("" when there is none).
	Next *string
}

// paginate calls r page after page, decoding each body with decode, which
// returns the cursor found in the body ("" if none); the fly-next-cursor
// header is used when the body has none. It stops at the last page, or
// after the first page when lo asks for a limit.
func paginate(ctx context.Context, c *Client, r *Request, lo *ListOptions, decode func(body []byte) (string, error)) error {
	seen := map[string]bool{}
	cursor := ""
	if lo != nil {
		cursor = lo.Cursor
	}
	for page := 0; ; page++ {
		req := *r
		q := query{}
		for k, v := range r.Query {
			q[k] = append([]string(nil), v...)
		}
		if lo != nil && lo.Limit > 0 {
			q.integer("limit", lo.Limit)
		}
		if cursor != "" {
			q["cursor"] = []string{cursor}
		} else {
			delete(q, "cursor")
		}
		req.Query = q.values()
		resp, err := c.Do(ctx, &req)
		if err != nil {
			return err
		}
		next, derr := decode(resp.Body)
		if derr != nil {
			return c.decodeError(&req, resp, derr)
		}
		if next == "" {
			next = resp.Header.Get(NextCursorHeader)
		}
		if lo != nil && lo.Next != nil {
			*lo.Next = next
		}
		if next == "" || (lo != nil && lo.Limit > 0) {
			return nil
		}
		if seen[next] || page+1 >= maxPages {
			return c.decodeError(&req, resp, fmt.Errorf("pagination does not end (cursor %q repeats or more than %d pages)", next, maxPages))
		}
		seen[next] = true
		cursor = next
	}
}

// listArray follows the pages of a list whose body is a JSON array.
func listArray[T any](ctx context.Context, c *Client, r *Request, lo *ListOptions) ([]T, error) {
	var all []T
	err := paginate(ctx, c, r, lo, func(body []byte) (string, error) {
		var page []T
		if err := json.Unmarshal(body, &page); err != nil {
			return "", err
		}
		all = append(all, page...)
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	if all == nil {
		all = []T{}
	}
	return all, nil
}

// listEnvelope follows the pages of a list whose body is an object with a
// next_cursor field; merge appends a page's items to the first page's.
func listEnvelope[T any](ctx context.Context, c *Client, r *Request, lo *ListOptions, cursor func(*T) string, merge func(into, page *T)) (*T, error) {
	var first *T
	err := paginate(ctx, c, r, lo, func(body []byte) (string, error) {
		page := new(T)
		if err := json.Unmarshal(body, page); err != nil {
			return "", err
		}
		if first == nil {
			first = page
		} else {
			merge(first, page)
		}
		return cursor(page), nil
	})
	if err != nil {
		return nil, err
	}
	return first, nil
}
