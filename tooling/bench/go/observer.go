package main

// What one benchmark node witnessed, with timestamps taken where memberlist reports it: membership events
// from the EventDelegate, and its own accusations, suspicion time-outs and refutations from its log (v0.2.2
// has no callback for suspicion; every suspicion starts as a logged local accusation somewhere, so the
// earliest accusation is the earliest suspicion anywhere).

import (
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

type stamped struct {
	at     time.Time
	target string
}

type observer struct {
	mu          sync.Mutex
	joins       int
	lastJoin    time.Time
	leaves      map[string]leaveRecord // latest leave per node, forgotten when it rejoins
	deaths      []stamped              // every leave event whose state is dead (not left)
	accusations []stamped              // "Suspect X has failed, no acks received"
	timeouts    []stamped              // "Marking X as failed, suspect timeout reached"
	refutations []time.Time
}

type leaveRecord struct {
	at    time.Time
	state memberlist.NodeStateType
}

func newObserver() *observer { return &observer{leaves: map[string]leaveRecord{}} }

func (o *observer) NotifyJoin(n *memberlist.Node) {
	o.mu.Lock()
	o.joins++
	o.lastJoin = time.Now()
	delete(o.leaves, n.Name)
	o.mu.Unlock()
}

// NotifyLeave runs under memberlist's node lock with n inside its nodeState: the real state (dead or left)
// is read from there, since v0.2.2 never updates the public Node.State.
func (o *observer) NotifyLeave(n *memberlist.Node) {
	rec := leaveRecord{at: time.Now(), state: stateOf(n)}
	o.mu.Lock()
	o.leaves[n.Name] = rec
	if rec.state == memberlist.StateDead {
		o.deaths = append(o.deaths, stamped{at: rec.at, target: n.Name})
	}
	o.mu.Unlock()
}

func (o *observer) NotifyUpdate(*memberlist.Node) {}

// Write receives memberlist's log, one line per call (log.Logger writes whole lines).
func (o *observer) Write(p []byte) (int, error) {
	line := string(p)
	now := time.Now()
	switch {
	case strings.Contains(line, "has failed, no acks received"):
		o.record(&o.accusations, now, between(line, "Suspect ", " has failed"))
	case strings.Contains(line, "suspect timeout reached"):
		o.record(&o.timeouts, now, between(line, "Marking ", " as failed"))
	case strings.Contains(line, "Refuting a suspect message"), strings.Contains(line, "Refuting a dead message"):
		o.mu.Lock()
		o.refutations = append(o.refutations, now)
		o.mu.Unlock()
	}
	return len(p), nil
}

func (o *observer) record(list *[]stamped, at time.Time, target string) {
	o.mu.Lock()
	*list = append(*list, stamped{at: at, target: target})
	o.mu.Unlock()
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

func (o *observer) joinCount() (int, time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.joins, o.lastJoin
}

func (o *observer) leaveOf(name string) (leaveRecord, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, ok := o.leaves[name]
	return rec, ok
}

// window counts what happened in [from, to).
type windowCounts struct {
	accusations []stamped
	timeouts    []stamped
	refutations int
	deaths      []stamped // leave events with state dead
}

func (o *observer) since(from, to time.Time) windowCounts {
	o.mu.Lock()
	defer o.mu.Unlock()
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	var w windowCounts
	for _, a := range o.accusations {
		if in(a.at) {
			w.accusations = append(w.accusations, a)
		}
	}
	for _, a := range o.timeouts {
		if in(a.at) {
			w.timeouts = append(w.timeouts, a)
		}
	}
	for _, r := range o.refutations {
		if in(r) {
			w.refutations++
		}
	}
	for _, d := range o.deaths {
		if in(d.at) {
			w.deaths = append(w.deaths, d)
		}
	}
	return w
}
