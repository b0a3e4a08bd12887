package main

// The scale scenario: a join storm of N nodes through one seed, then a hold window on the formed cluster.
// Mirrors tooling/bench/src/ts-storm.ts field for field.

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

type stormReport struct {
	N                 int     `json:"n"`
	Formed            bool    `json:"formed"`
	FormationMs       float64 `json:"formationMs"`     // storm start → every node lists all N alive (or the bound)
	JoinsReturnedMs   float64 `json:"joinsReturnedMs"` // storm start → the last Join call returned
	FailedJoins       int     `json:"failedJoins"`     // Join calls that returned an error
	FailedAttempts    int     `json:"failedAttempts"`  // push/pulls of Join calls that failed (v0.2.2: one per failed Join)
	MinMembersSeen    int     `json:"minMembersSeen"`  // fewest members any node listed at the end of the formation wait
	HoldSeconds       float64 `json:"holdSeconds"`     // the window after formation
	CPUMsPerNodePerS  float64 `json:"cpuMsPerNodePerSecond"`
	RSSBytesPerNode   float64 `json:"rssBytesPerNode"` // process RSS at the end of the window ÷ N (everything the process holds)
	Accusations       int     `json:"accusations"`     // local suspicions of any node in the window (all nodes are healthy)
	SuspectedByMany   int     `json:"suspectedByMoreThanOne"`
	DeclaredDead      int     `json:"declaredDead"` // (observer, node) pairs declared dead in the window
	ProcessCPUSeconds float64 `json:"processCpuSeconds"`
	// Some node's list stayed locked (its NumMembers did not return within seconds): seen with v0.2.2 at N ≥ 200
	// in one process, where over a thousand goroutines queue on node locks after a storm.
	NodeListsLocked bool `json:"nodeListsLocked,omitempty"`
}

// fewestMembers is the smallest NumMembers over the cluster, or false when the nodes' lists could not all be
// read within wait (a node lock held for that long).
func fewestMembers(c *cluster, wait time.Duration) (int, bool) {
	done := make(chan int, 1)
	go func() {
		least := len(c.nodes)
		for _, b := range c.nodes {
			if m := b.list.NumMembers(); m < least {
				least = m
			}
		}
		done <- least
	}()
	select {
	case least := <-done:
		return least, true
	case <-time.After(wait):
		return 0, false
	}
}

// measureStorm forms a cluster of n by a join storm through node-000 and watches it for hold.
func measureStorm(c *cluster, formTimeout, hold time.Duration) stormReport {
	n := len(c.nodes)
	r := stormReport{N: n}
	seed := c.nodes[0].address()
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, node := range c.nodes[1:] {
		wg.Add(1)
		go func(b *benchNode) {
			defer wg.Done()
			if _, err := b.list.Join([]string{seed}); err != nil {
				mu.Lock()
				r.FailedJoins++
				r.FailedAttempts++
				mu.Unlock()
			}
		}(node)
	}
	wg.Wait()
	r.JoinsReturnedMs = round(float64(time.Since(start)) / float64(time.Millisecond))
	progress("storm: joins returned after %v, %d failed", time.Since(start), r.FailedJoins)
	r.Formed = waitUntil(formTimeout-time.Since(start), func() bool {
		least, ok := fewestMembers(c, time.Second)
		return ok && least >= n
	})
	r.FormationMs = round(float64(time.Since(start)) / float64(time.Millisecond))
	if least, ok := fewestMembers(c, 5*time.Second); ok {
		r.MinMembersSeen = least
	} else {
		r.MinMembersSeen = -1
		r.NodeListsLocked = true
	}
	progress("storm: formed=%v after %v (fewest members seen %d)", r.Formed, time.Since(start), r.MinMembersSeen)
	if !r.Formed || hold <= 0 {
		return r
	}
	from, cpu0 := time.Now(), cpuTime()
	time.Sleep(hold)
	to, cpu1 := time.Now(), cpuTime()
	elapsed := to.Sub(from).Seconds()
	r.HoldSeconds = round(elapsed)
	r.CPUMsPerNodePerS = float64(int64(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(n)/elapsed*100+0.5)) / 100
	r.ProcessCPUSeconds = round(float64(cpu1) / float64(time.Second))
	r.RSSBytesPerNode = round(float64(rssBytes()) / float64(n))
	accusers := map[string]map[string]bool{}
	for _, b := range c.nodes {
		w := b.observer.since(from, to)
		r.Accusations += len(w.accusations)
		r.DeclaredDead += len(w.deaths)
		for _, a := range w.accusations {
			if accusers[a.target] == nil {
				accusers[a.target] = map[string]bool{}
			}
			accusers[a.target][b.name] = true
		}
	}
	for _, by := range accusers {
		if len(by) > 1 {
			r.SuspectedByMany++
		}
	}
	return r
}

// rssBytes is the resident set size of this process (VmRSS), 0 if unreadable.
func rssBytes() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				kb, _ := strconv.ParseUint(fields[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}
