package testrun

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Summary counts results.
type Summary struct {
	Files, Tests, Passed, Failed, Errors int
	Elapsed                              time.Duration
}

// Summarize counts results; files is the number of files run.
func Summarize(results []Result, files int, elapsed time.Duration) Summary {
	s := Summary{Files: files, Elapsed: elapsed}
	for _, r := range results {
		if r.Name != FileName {
			s.Tests++
		}
		switch r.Outcome {
		case Pass:
			s.Passed++
		case Fail:
			s.Failed++
		default:
			s.Errors++
		}
	}
	return s
}

// OK reports whether nothing failed.
func (s Summary) OK() bool { return s.Failed == 0 && s.Errors == 0 }

// WriteText writes one file's results the way `flyscript test` prints
// them: failures in full, passes only when verbose, then a line for the
// file.
func WriteText(w io.Writer, file string, results []Result, verbose bool) {
	var bad int
	var real, virt time.Duration
	for _, r := range results {
		real += r.Elapsed
		virt += r.Virtual
		if r.Outcome == Pass {
			if verbose {
				fmt.Fprintf(w, "--- PASS: %s (%s, virtual %s)\n", r.Name, seconds(r.Elapsed), elapsed(r.Virtual))
				writeIndented(w, r.Output, "    | ")
			}
			continue
		}
		bad++
		word := "FAIL"
		if r.Outcome == Error {
			word = "ERROR"
		}
		if r.Name == FileName {
			fmt.Fprintf(w, "--- %s: %s\n", word, file)
		} else {
			fmt.Fprintf(w, "--- %s: %s (%s, virtual %s)\n", word, r.Name, seconds(r.Elapsed), elapsed(r.Virtual))
		}
		loc := r.Where
		if loc != "" {
			loc += ": "
		}
		writeIndented(w, loc+r.Message, "    ")
		writeIndented(w, r.Traceback, "    ")
		if r.Output != "" {
			fmt.Fprintln(w, "    output:")
			writeIndented(w, r.Output, "    | ")
		}
	}
	tests := 0
	for _, r := range results {
		if r.Name != FileName {
			tests++
		}
	}
	switch {
	case bad == 0:
		fmt.Fprintf(w, "ok    %s\t%d %s (%s, virtual %s)\n", file, tests, plural(tests, "test"), seconds(real), elapsed(virt))
	case tests == 0:
		fmt.Fprintf(w, "FAIL  %s\n", file)
	default:
		fmt.Fprintf(w, "FAIL  %s\t%d of %d %s failed (%s)\n", file, bad, tests, plural(tests, "test"), seconds(real))
	}
}

// WriteSummary writes the last line of a run.
func WriteSummary(w io.Writer, s Summary) {
	if s.OK() && s.Tests == 0 {
		// Not a pass: nothing was tested (every test left out by --run).
		fmt.Fprintf(w, "NO TESTS RUN: 0 tests in %d %s (%s)\n", s.Files, plural(s.Files, "file"), seconds(s.Elapsed))
		return
	}
	if s.OK() {
		fmt.Fprintf(w, "PASS: %d %s in %d %s (%s)\n", s.Tests, plural(s.Tests, "test"), s.Files, plural(s.Files, "file"), seconds(s.Elapsed))
		return
	}
	fmt.Fprintf(w, "FAIL: %d failed, %d errors, %d passed, in %d %s (%s)\n", s.Failed, s.Errors, s.Passed, s.Files, plural(s.Files, "file"), seconds(s.Elapsed))
}

// WriteJSON writes one JSON object per result, one a line.
func WriteJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      string        `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML: a <testsuite> per file, a <testcase> per
// test with a <failure> for a failed assertion and an <error> for an
// error, each with file:line and the message.
func WriteJUnit(w io.Writer, results []Result, elapsed time.Duration) error {
	byFile := map[string]*junitSuite{}
	var order []string
	top := junitSuites{Time: fmt.Sprintf("%.3f", elapsed.Seconds())}
	for _, r := range results {
		s := byFile[r.File]
		if s == nil {
			s = &junitSuite{Name: r.File}
			byFile[r.File] = s
			order = append(order, r.File)
		}
		c := junitCase{Name: r.Name, Classname: strings.TrimSuffix(r.File, ".lua"), File: r.File, Time: fmt.Sprintf("%.3f", r.Elapsed.Seconds())}
		if _, line, ok := strings.Cut(strings.TrimPrefix(r.Where, r.File), ":"); ok && strings.HasPrefix(r.Where, r.File+":") {
			c.Line = line
		}
		text := r.Where
		if text != "" {
			text += ": "
		}
		text += r.Message
		if r.Traceback != "" {
			text += "\n" + r.Traceback
		}
		switch r.Outcome {
		case Fail:
			c.Failure = &junitProblem{Message: r.Message, Type: "assertion", Text: text}
			s.Failures++
			top.Failures++
		case Error:
			c.Error = &junitProblem{Message: r.Message, Type: "error", Text: text}
			s.Errors++
			top.Errors++
		}
		if r.Outcome != Pass {
			c.SystemOut = r.Output
		}
		s.Tests++
		top.Tests++
		s.Cases = append(s.Cases, c)
	}
	sort.Strings(order)
	for _, f := range order {
		s := byFile[f]
		var total time.Duration
		for _, r := range results {
			if r.File == f {
				total += r.Elapsed
			}
		}
		s.Time = fmt.Sprintf("%.3f", total.Seconds())
		top.Suites = append(top.Suites, *s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(top); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func writeIndented(w io.Writer, text, prefix string) {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(w, "%s%s\n", prefix, line)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
