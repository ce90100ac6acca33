package client

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
)

// Bytes is a byte field of the API: a secret key's value, a plaintext,
// ciphertext, signature or public key, a token's nonce. The document types
// these fields as arrays of integers; the API is a Go server whose fields
// are []byte, and it answers them as base64 strings. Bytes reads either
// form and writes the document's array of integers, which the server reads
// too.
type Bytes []byte

// MarshalJSON writes b as an array of integers 0-255 (null when b is nil).
func (b Bytes) MarshalJSON() ([]byte, error) {
	if b == nil {
		return []byte("null"), nil
	}
	out := make([]byte, 0, 2+4*len(b))
	out = append(out, '[')
	for i, x := range b {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendUint(out, uint64(x), 10)
	}
	return append(out, ']'), nil
}

// UnmarshalJSON reads a base64 string (standard encoding, as Go writes it)
// or an array of integers 0-255.
func (b *Bytes) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*b = nil
		return nil
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		d, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("byte field: %q is not base64: %w", s, err)
		}
		*b = d
		return nil
	}
	var ints []int
	if err := json.Unmarshal(data, &ints); err != nil {
		return fmt.Errorf("byte field: want a base64 string or an array of integers 0-255, got %.40s", data)
	}
	out := make([]byte, len(ints))
	for i, x := range ints {
		if x < 0 || x > 255 {
			return fmt.Errorf("byte field: element %d is %d, not a byte 0-255", i, x)
		}
		out[i] = byte(x)
	}
	*b = out
	return nil
}
