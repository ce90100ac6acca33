package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/internal/repl"
)

// planSwitch is the REPL's HTTP transport: straight to the API, or, between
// `.plan` and `.plan end`, through a plan overlay whose shadow receives
// every change. A session's client is built on it once; `.plan` only moves
// the switch.
type planSwitch struct {
	base   string
	direct http.RoundTripper
	color  bool // colour the plans shown: a terminal without NO_COLOR

	mu      sync.Mutex
	planner *flyscript.Planner
}

func newPlanSwitch() *planSwitch {
	return &planSwitch{direct: http.DefaultTransport.(*http.Transport).Clone()}
}

// RoundTrip sends the request to the API, or to the plan while one is on.
func (s *planSwitch) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	p := s.planner
	s.mu.Unlock()
	if p != nil {
		return p.Transport().RoundTrip(r)
	}
	return s.direct.RoundTrip(r)
}

// prompt is "plan" while a plan is on, so that nobody takes a planned
// change for a real one (or the other way round).
func (s *planSwitch) prompt() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.planner != nil {
		return "plan"
	}
	return ""
}

// commands are the REPL's `.plan`, `.plan show` and `.plan end`.
func (s *planSwitch) commands(stdout, stderr io.Writer) []repl.Command {
	return []repl.Command{{
		Name: ".plan",
		Help: ".plan  .plan show  .plan end   plan what follows (changes go to a shadow), list it, stop",
		Run: func(args []string) {
			sub := ""
			if len(args) > 0 {
				sub = args[0]
			}
			switch {
			case len(args) > 1:
				fmt.Fprintln(stderr, "usage: .plan, .plan show or .plan end")
			case sub == "":
				s.begin(stdout, stderr)
			case sub == "show" || sub == "end":
				s.show(stdout, stderr, sub == "end")
			default:
				fmt.Fprintf(stderr, "unknown .plan command %q: use .plan, .plan show or .plan end\n", sub)
			}
		},
	}}
}

func (s *planSwitch) begin(stdout, stderr io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.planner != nil {
		fmt.Fprintln(stderr, "a plan is already on: .plan show lists it, .plan end ends it")
		return
	}
	p, err := flyscript.NewPlanner(s.base, s.direct)
	if err != nil {
		fmt.Fprintf(stderr, "cannot start a plan: %v\n", err)
		return
	}
	s.planner = p
	fmt.Fprintln(stdout, "plan: from now on changes go to a shadow of the fleet, never to the API; "+
		"values read before .plan still show production. .plan show lists the changes, .plan end ends the plan.")
}

// show prints the plan; with end it also drops the shadow and goes back to
// the API.
func (s *planSwitch) show(stdout, stderr io.Writer, end bool) {
	s.mu.Lock()
	p := s.planner
	if end {
		s.planner = nil
	}
	s.mu.Unlock()
	if p == nil {
		fmt.Fprintln(stderr, "no plan is on: .plan starts one")
		return
	}
	_ = p.Plan().WriteText(stdout, s.color)
	if end {
		p.Close()
		fmt.Fprintln(stdout, "plan ended: changes go to the API again; values read during the plan show the shadow.")
	}
}

// leave ends a plan still on when the session ends (Ctrl-D, .exit): it
// lists what was planned and says that none of it reached the API.
func (s *planSwitch) leave(stdout io.Writer) {
	s.mu.Lock()
	p := s.planner
	s.planner = nil
	s.mu.Unlock()
	if p == nil {
		return
	}
	fmt.Fprintln(stdout, "leaving with a plan on; none of it was sent to the API:")
	_ = p.Plan().WriteText(stdout, s.color)
	p.Close()
}
