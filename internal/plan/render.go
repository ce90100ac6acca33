package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/flyscript/flyscript/internal/termtext"
)

// Plan is what a script would change: its changes in the order made.
// Reads are not changes. Its JSON form is
// {"changes": [...], "summary": "Plan: ..."}, with nothing in it that
// varies between two runs of the same script on the same fleet: no
// timestamps, no request ids, and the identifiers of created objects come
// from a shadow seeded the same way on every run.
type Plan struct {
	Changes []Change `json:"changes"`
}

// Summary is "Plan: 3 updates, 1 stop, 1 create." (kinds in the order they
// first appear), or "Plan: no changes.".
func (p Plan) Summary() string {
	var kinds []string
	counts := map[string]int{}
	for _, c := range p.Changes {
		if counts[c.Kind] == 0 {
			kinds = append(kinds, c.Kind)
		}
		counts[c.Kind]++
	}
	if len(kinds) == 0 {
		return "Plan: no changes."
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		n := counts[k]
		if n == 1 {
			parts[i] = fmt.Sprintf("1 %s", k)
		} else {
			parts[i] = fmt.Sprintf("%d %ss", n, k)
		}
	}
	return "Plan: " + strings.Join(parts, ", ") + "."
}

// MarshalJSON writes the changes and the summary line; changes is [] (not
// null) when there are none.
func (p Plan) MarshalJSON() ([]byte, error) {
	changes := p.Changes
	if changes == nil {
		changes = []Change{}
	}
	return json.Marshal(struct {
		Changes []Change `json:"changes"`
		Summary string   `json:"summary"`
	}{changes, p.Summary()})
}

// Terminal colours, as terraform uses them: green for what is added, red for
// what is destroyed, yellow for what changes in place.
const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// symbol is the change's mark and colour: + create, - destroy, ~ the rest.
func symbol(kind string) (string, string) {
	switch kind {
	case "create":
		return "+", green
	case "destroy":
		return "-", red
	}
	return "~", yellow
}

// WriteText writes the plan for people: one line per change ("~ Machines_update
// stop machine ..."), its diff lines indented below it, then the summary.
// With color, the marks and diffs are coloured as terraform colours them;
// only ever pass true for a terminal.
func (p Plan) WriteText(w io.Writer, color bool) error {
	paint := func(c, s string) string {
		if !color {
			return s
		}
		return c + s + reset
	}
	var b strings.Builder
	for _, c := range p.Changes {
		mark, col := symbol(c.Kind)
		// The summary and the diff hold the API's strings (names, images,
		// env values): escaped, they cannot drive the terminal.
		fmt.Fprintf(&b, "%s %s %s\n", paint(col, mark), paint(bold, c.Op), termtext.Printable(c.Summary))
		for _, l := range diffLines(c.Diff) {
			fmt.Fprintf(&b, "    %s\n", paint(col, termtext.Printable(l)))
		}
	}
	b.WriteString(paint(bold, p.Summary()))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
