// Package secret hides credentials in text: every occurrence of a secret,
// and every run of MinRun or more of its characters (a prefix cut by a
// length limit, one macaroon of a comma-separated FlyV1 token, a slice of
// it echoed by a proxy), becomes "[REDACTED]".
//
// It is the one scrubbing rule of the API client's errors and of the
// command's output redactor; client and cmd/flyscript import it.
package secret

import "strings"

// Redacted is what hidden text is replaced with.
const Redacted = "[REDACTED]"

// MinRun is the length from which any run of a secret's characters is
// hidden. Shorter secrets are hidden whole only.
const MinRun = 16

// Scrubber hides a fixed set of secrets. The zero value and nil hide
// nothing. It is safe for concurrent use.
type Scrubber struct {
	whole []string            // hidden wherever they occur, whatever their length
	runs  map[string]struct{} // every MinRun-long slice of the secrets
}

// New returns a Scrubber of secrets; empty strings are ignored.
func New(secrets ...string) *Scrubber {
	s := &Scrubber{}
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		s.whole = append(s.whole, sec)
		for i := 0; i+MinRun <= len(sec); i++ {
			if s.runs == nil {
				s.runs = map[string]struct{}{}
			}
			s.runs[sec[i:i+MinRun]] = struct{}{}
		}
	}
	return s
}

// Empty reports whether s hides nothing.
func (s *Scrubber) Empty() bool { return s == nil || len(s.whole) == 0 }

// Scrub returns text with every secret, and every run of MinRun or more
// characters of one, replaced by Redacted (adjacent hidden spans become
// one).
func (s *Scrubber) Scrub(text string) string {
	if s.Empty() || text == "" {
		return text
	}
	var hide []bool // hide[i]: byte i of text is secret
	mark := func(from, to int) {
		if hide == nil {
			hide = make([]bool, len(text))
		}
		for i := from; i < to; i++ {
			hide[i] = true
		}
	}
	for _, sec := range s.whole {
		for from := 0; ; {
			i := strings.Index(text[from:], sec)
			if i < 0 {
				break
			}
			mark(from+i, from+i+len(sec))
			from += i + 1
		}
	}
	if s.runs != nil {
		for i := 0; i+MinRun <= len(text); i++ {
			if _, ok := s.runs[text[i:i+MinRun]]; ok {
				mark(i, i+MinRun)
			}
		}
	}
	if hide == nil {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		if !hide[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		j := i
		for j < len(text) && hide[j] {
			j++
		}
		// The separators at the edges of a span (the space after "FlyV1",
		// the comma between macaroons) stay, so that the text around reads
		// as it did.
		from, to := i, j
		for from < to && isSeparator(text[from]) {
			from++
		}
		for to > from && isSeparator(text[to-1]) {
			to--
		}
		b.WriteString(text[i:from])
		if from < to {
			b.WriteString(Redacted)
		}
		b.WriteString(text[to:j])
		i = j
	}
	return b.String()
}

// isSeparator reports whether c separates the parts of a token.
func isSeparator(c byte) bool { return c == ' ' || c == ',' }
