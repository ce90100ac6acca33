package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestGroups(t *testing.T) {
	cmds, err := groups([]string{"--", "lua", "lua5.1", "-e", "", "--", "true", "/bin/true"})
	require.NoError(t, err)
	require.Len(t, cmds, 2)
	require.Equal(t, "lua", cmds[0].label)
	require.Equal(t, []string{"lua5.1", "-e", ""}, cmds[0].argv)
	require.Equal(t, []string{"/bin/true"}, cmds[1].argv)

	_, err = groups([]string{"lua", "lua5.1"})
	require.Error(t, err)
	_, err = groups([]string{"--", "empty"})
	require.Error(t, err)
}

func TestTableRatiosPerRound(t *testing.T) {
	a := &command{label: "a", wall: []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}, rss: []int64{1024, 1024, 2048}}
	b := &command{label: "b", wall: []time.Duration{2 * time.Millisecond, 6 * time.Millisecond, 3 * time.Millisecond}}
	out := table([]*command{a, b})
	require.Contains(t, out, "| a | 3 | 2.00 ms | 1.00 ms | 3.00 ms | 1.0 MiB |  |")
	require.Contains(t, out, "| b | 3 | 3.00 ms | 2.00 ms | 6.00 ms | - | 2.00x |")
}

func TestRunReportsWallTimeAndFailures(t *testing.T) {
	wall, err := run([]string{"/bin/true"})
	require.NoError(t, err)
	require.Positive(t, wall)
	_, err = run([]string{"/bin/false"})
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "/bin/false"))
}

func TestPeakRSSReadsTimesOutput(t *testing.T) {
	// A stand-in for GNU time that writes a fixed %M to its -o file.
	fake := t.TempDir() + "/time"
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho 1234 > \"$4\"\n"), 0o755))
	kib, err := peakRSS(fake, []string{"/bin/true"})
	require.NoError(t, err)
	require.Equal(t, int64(1234), kib)
}
