package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strconv"
)

// CodeInvalidResponse is the Error code of a 2xx answer that cannot be decoded.
const CodeInvalidResponse = "invalid_response"

// call is the typed path over Do: in (when not nil) is encoded as the JSON
// body, a typed nil pointer as {}; the answer is decoded into out (when not
// nil and the body is not empty).
func (c *Client) call(ctx context.Context, r *Request, in, out any) (*Response, error) {
	if in != nil {
		if v := reflect.ValueOf(in); v.Kind() == reflect.Pointer && v.IsNil() {
			r.Body = []byte("{}")
		} else {
			b, err := json.Marshal(in)
			if err != nil {
				return nil, &Error{Op: r.Method + " " + r.Pattern, Method: r.Method, Code: CodeInvalidArgument, Message: "encoding the request: " + err.Error(), Err: err}
			}
			r.Body = b
		}
	}
	resp, err := c.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	if out != nil && len(bytes.TrimSpace(resp.Body)) > 0 {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return resp, c.decodeError(r, resp, err)
		}
	}
	return resp, nil
}

// decodeError reports a 2xx body that does not decode.
func (c *Client) decodeError(r *Request, resp *Response, err error) error {
	path, _ := expand(r.Pattern, r.Params)
	e := &Error{Op: r.Method + " " + r.Pattern, Method: r.Method, Path: path, StatusCode: resp.StatusCode,
		Code: CodeInvalidResponse, Message: "decoding the response: " + err.Error(), Body: resp.Body,
		RequestID: resp.Header.Get(RequestIDHeader), Err: err}
	return c.sanitize(e)
}

// params builds a path parameter map from name, value pairs.
func params(kv ...string) map[string]string {
	m := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// query is url.Values with setters that skip zero values.
type query url.Values

func (q query) str(name, v string) {
	if v != "" {
		url.Values(q).Set(name, v)
	}
}

func (q query) boolean(name string, v bool) {
	if v {
		url.Values(q).Set(name, "true")
	}
}

func (q query) integer(name string, v int) {
	if v != 0 {
		url.Values(q).Set(name, strconv.Itoa(v))
	}
}

func (q query) values() url.Values {
	if len(q) == 0 {
		return nil
	}
	return url.Values(q)
}
