package main

// The measurements. Every wait is bounded by the -timeout flag; a bound that expires is reported as
// timedOut instead of a number.

import (
	"fmt"
	"runtime"
	"sort"
	"syscall"
	"time"

	"github.com/hashicorp/memberlist"
)

type timing struct {
	RunsMs   []float64 `json:"runsMs"`
	MedianMs *float64  `json:"medianMs"`
	TimedOut int       `json:"timedOut"`
}

func (t *timing) add(d time.Duration, ok bool) {
	if !ok {
		t.TimedOut++
		return
	}
	t.RunsMs = append(t.RunsMs, round(float64(d)/float64(time.Millisecond)))
	sorted := append([]float64{}, t.RunsMs...)
	sort.Float64s(sorted)
	m := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		m = (sorted[len(sorted)/2-1] + m) / 2
	}
	t.MedianMs = &m
}

func round(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// measureJoin: from the start of a join storm until every node has seen all n nodes join (its N-th
// NotifyJoin, self included).
func measureJoin(c *cluster, timeout time.Duration) (time.Duration, bool, error) {
	n := len(c.nodes)
	start := time.Now()
	if err := c.joinStorm(); err != nil {
		return 0, false, err
	}
	ok := waitUntil(timeout, func() bool {
		for _, node := range c.nodes {
			if count, _ := node.observer.joinCount(); count < n {
				return false
			}
		}
		return true
	})
	if !ok {
		return time.Since(start), false, nil
	}
	var last time.Time
	for _, node := range c.nodes {
		if _, at := node.observer.joinCount(); at.After(last) {
			last = at
		}
	}
	return last.Sub(start), true, nil
}

// measureCrash crashes the last node; returns the time to the first accusation anywhere and the time until
// every other running node has declared it dead.
func measureCrash(c *cluster, timeout time.Duration) (firstSuspect, allDead time.Duration, okSuspect, okDead bool) {
	victim := c.nodes[len(c.nodes)-1]
	start := time.Now()
	victim.crash()
	observers := c.running()
	okDead = waitUntil(timeout, func() bool {
		for _, o := range observers {
			if rec, ok := o.observer.leaveOf(victim.name); !ok || rec.at.Before(start) {
				return false
			}
		}
		return true
	})
	var first, last time.Time
	for _, o := range observers {
		w := o.observer.since(start, time.Now().Add(time.Second))
		for _, a := range w.accusations {
			if a.target == victim.name && (first.IsZero() || a.at.Before(first)) {
				first = a.at
			}
		}
		if rec, ok := o.observer.leaveOf(victim.name); ok && rec.at.After(last) {
			last = rec.at
		}
	}
	okSuspect = !first.IsZero()
	return first.Sub(start), last.Sub(start), okSuspect, okDead
}

// measureLeave makes the (new) last running node leave; returns the time until every other running node
// has marked it left.
func measureLeave(c *cluster, timeout time.Duration) (time.Duration, bool, error) {
	running := c.running()
	leaver := running[len(running)-1]
	observers := running[:len(running)-1]
	start := time.Now()
	if err := leaver.leave(timeout); err != nil {
		return 0, false, err
	}
	ok := waitUntil(timeout, func() bool {
		for _, o := range observers {
			if rec, ok := o.observer.leaveOf(leaver.name); !ok || rec.at.Before(start) || rec.state != memberlist.StateLeft {
				return false
			}
		}
		return true
	})
	var last time.Time
	for _, o := range observers {
		if rec, ok := o.observer.leaveOf(leaver.name); ok && rec.at.After(last) {
			last = rec.at
		}
	}
	return last.Sub(start), ok, nil
}

type idleReport struct {
	WindowSeconds              float64 `json:"windowSeconds"`
	CPUMsPerNodePerSecond      float64 `json:"cpuMsPerNodePerSecond"`
	UDPPacketsPerNodePerSecond float64 `json:"udpPacketsPerNodePerSecond"`
	UDPBytesPerNodePerSecond   float64 `json:"udpBytesPerNodePerSecond"`
	TCPBytesPerNodePerSecond   float64 `json:"tcpBytesPerNodePerSecond"`
	BytesPerNodePerSecond      float64 `json:"bytesPerNodePerSecond"`
	HeapBytesPerNode           float64 `json:"heapBytesPerNode"`
	HeapBaselineBytes          uint64  `json:"heapBaselineBytes"`
	// Heap after GC with a second converged cluster of N beside the first, minus the heap with the first alone, ÷ N
	// (0 when the second cluster did not converge).
	HeapSecondClusterBytesPerNode float64 `json:"heapSecondClusterBytesPerNode"`
	Totals                        struct {
		UDPPackets uint64 `json:"udpPackets"`
		UDPBytes   uint64 `json:"udpBytes"`
		TCPBytes   uint64 `json:"tcpBytes"`
		TCPDials   uint64 `json:"tcpDials"`
	} `json:"totals"` // whole cluster over the window
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func sumCounters(nodes []*benchNode) trafficCounters {
	var s trafficCounters
	for _, n := range nodes {
		c := n.transport.Counters()
		s.UDPPackets += c.UDPPackets
		s.UDPBytes += c.UDPBytes
		s.TCPBytes += c.TCPBytes
		s.TCPDials += c.TCPDials
	}
	return s
}

// measureIdle samples CPU (getrusage of the whole process, nothing else runs), traffic counters and heap
// over a window on a converged, quiet cluster.
func measureIdle(c *cluster, window time.Duration, heapBaseline uint64) idleReport {
	nodes := c.running()
	n := float64(len(nodes))
	cpu0, traffic0, t0 := cpuTime(), sumCounters(nodes), time.Now()
	time.Sleep(window)
	cpu1, traffic1, elapsed := cpuTime(), sumCounters(nodes), time.Since(t0).Seconds()
	heap := heapAfterGC()
	perNodeSecond := func(v uint64) float64 { return round(float64(v) / n / elapsed) }
	udpBytes := traffic1.UDPBytes - traffic0.UDPBytes
	tcpBytes := traffic1.TCPBytes - traffic0.TCPBytes
	r := idleReport{
		WindowSeconds:              round(elapsed),
		CPUMsPerNodePerSecond:      round(float64(cpu1-cpu0) / float64(time.Millisecond) / n / elapsed),
		UDPPacketsPerNodePerSecond: perNodeSecond(traffic1.UDPPackets - traffic0.UDPPackets),
		UDPBytesPerNodePerSecond:   perNodeSecond(udpBytes),
		TCPBytesPerNodePerSecond:   perNodeSecond(tcpBytes),
		BytesPerNodePerSecond:      perNodeSecond(udpBytes + tcpBytes),
		HeapBytesPerNode:           round(float64(int64(heap)-int64(heapBaseline)) / n),
		HeapBaselineBytes:          heapBaseline,
	}
	r.Totals.UDPPackets = traffic1.UDPPackets - traffic0.UDPPackets
	r.Totals.UDPBytes = udpBytes
	r.Totals.TCPBytes = tcpBytes
	r.Totals.TCPDials = traffic1.TCPDials - traffic0.TCPDials
	return r
}

type fpWindow struct {
	Accusations         int      `json:"accusations"`         // local "suspect" decisions about any node
	FalseAccusations    int      `json:"falseAccusations"`    // ... about a healthy node
	AccusationsBySlow   int      `json:"accusationsBySlow"`   // ... of healthy nodes made by the slow node
	AccusationsOfSlow   int      `json:"accusationsOfSlow"`   // ... of the slow node by healthy nodes
	Refutations         int      `json:"refutations"`         // a node refuting a suspicion about itself
	HealthyDeclaredDead []string `json:"healthyDeclaredDead"` // distinct healthy nodes that someone declared dead
	HealthyDeaths       int      `json:"healthyDeaths"`       // (observer, healthy node) dead declarations
	SlowDeclaredDeadBy  int      `json:"slowDeclaredDeadBy"`  // observers that declared the slow node dead
	SlowHealthScore     *int     `json:"slowHealthScore,omitempty"`
}

type fpReport struct {
	WindowSeconds float64  `json:"windowSeconds"`
	SlowNode      string   `json:"slowNode"`
	SlowDelay     string   `json:"slowDelay"`
	Healthy       fpWindow `json:"healthy"`
	Slowed        fpWindow `json:"slowed"`
}

// countWindow classifies everything the running nodes witnessed in [from, to), with slow ("" for none) the
// only node that is not healthy.
func countWindow(c *cluster, slow string, from, to time.Time) fpWindow {
	var w fpWindow
	deadHealthy := map[string]bool{}
	for _, node := range c.running() {
		counts := node.observer.since(from, to)
		w.Refutations += counts.refutations
		for _, a := range counts.accusations {
			w.Accusations++
			switch {
			case a.target == slow:
				w.AccusationsOfSlow++
			case node.name == slow:
				w.AccusationsBySlow++
				w.FalseAccusations++
			default:
				w.FalseAccusations++
			}
		}
		for _, d := range counts.deaths {
			if d.target == slow {
				w.SlowDeclaredDeadBy++
				continue
			}
			w.HealthyDeaths++
			deadHealthy[d.target] = true
		}
	}
	w.HealthyDeclaredDead = []string{}
	for name := range deadHealthy {
		w.HealthyDeclaredDead = append(w.HealthyDeclaredDead, name)
	}
	sort.Strings(w.HealthyDeclaredDead)
	return w
}

// measureFalsePositives: a healthy window, then the same length with one node's inbound traffic delayed.
func measureFalsePositives(c *cluster, window time.Duration) fpReport {
	slow := c.nodes[1]
	report := fpReport{WindowSeconds: window.Seconds(), SlowNode: slow.name, SlowDelay: "inbound packets and streams delayed by a random 1-2 s"}
	t0 := time.Now()
	time.Sleep(window)
	t1 := time.Now()
	report.Healthy = countWindow(c, "", t0, t1)
	slow.transport.SetSlow(true, time.Second, 2*time.Second)
	time.Sleep(window)
	score := slow.list.GetHealthScore()
	slow.transport.SetSlow(false, 0, 0)
	report.Slowed = countWindow(c, slow.name, t1, time.Now())
	report.Slowed.SlowHealthScore = &score
	return report
}

func describeCrashModel() string {
	return fmt.Sprint("crash = memberlist Shutdown() without Leave(): sockets closed and timers stopped, so peers get " +
		"no acks and refused TCP connections, as from a killed process; firstSuspect = earliest local " +
		"accusation (\"Suspect X has failed\") by any node; allDead = last NotifyLeave(dead) among the survivors")
}

// measureSecondCluster is the incremental heap per node: a second cluster of n formed beside the running one,
// heap after GC with both minus the heap with the first alone, ÷ n. 0 when the second cluster did not converge.
func measureSecondCluster(n int, preset string, verbose bool, timeout time.Duration) (float64, error) {
	before := heapAfterGC()
	c, err := newCluster(n, preset, verbose)
	if err != nil {
		return 0, err
	}
	defer c.shutdown()
	if _, ok, err := measureJoin(c, timeout); err != nil || !ok {
		return 0, err
	}
	after := heapAfterGC()
	return round(float64(int64(after)-int64(before)) / float64(n)), nil
}
