package secret

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const token = "FlyV1 fm2_lJPECAAAAAAAAMa0xBCuWbcdefghijklmnopqrstuv,fm2_lJPETHEsecondMACAROONabcdefghij12345"

func TestScrubHidesWholeAndRuns(t *testing.T) {
	s := New(token, "shortpw1")
	cases := []struct{ in, want string }{
		{"token " + token + " end", "token [REDACTED] end"},
		// a prefix, as a length limit cuts it
		{"you sent " + token[:40] + "...", "you sent [REDACTED]..."},
		// one macaroon of the list
		{"part: fm2_lJPETHEsecondMACAROONabcdefghij12345.", "part: [REDACTED]."},
		// a slice from the middle, 16 characters: hidden
		{"mid " + token[20:36] + " x", "mid [REDACTED] x"},
		// 15 characters are not a run
		{"mid " + token[20:35] + " x", "mid " + token[20:35] + " x"},
		// two runs with text between them
		{token[:20] + " and " + token[50:70], "[REDACTED] and [REDACTED]"},
		// a short secret is hidden whole
		{"pw=shortpw1;", "pw=[REDACTED];"},
		{"nothing here", "nothing here"},
		{"", ""},
	}
	for _, c := range cases {
		got := s.Scrub(c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

func TestScrubNothing(t *testing.T) {
	var s *Scrubber
	assert.True(t, s.Empty())
	assert.Equal(t, "x", s.Scrub("x"))
	assert.True(t, New("").Empty())
}

func TestScrubEveryRun(t *testing.T) {
	s := New(token)
	for i := 0; i+MinRun <= len(token); i++ {
		for _, n := range []int{MinRun, MinRun + 7} {
			if i+n > len(token) {
				continue
			}
			run := token[i : i+n]
			core := strings.Trim(run, " ,")
			lead, trail := run[:strings.Index(run, core)], run[strings.Index(run, core)+len(core):]
			out := s.Scrub("<" + run + ">")
			// The separators at the edges stay; everything else is hidden.
			assert.Equal(t, "<"+lead+"[REDACTED]"+trail+">", out, "run %d..%d", i, i+n)
			assert.False(t, strings.Contains(out, token[i:i+MinRun]))
		}
	}
}
