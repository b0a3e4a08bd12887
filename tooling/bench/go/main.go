// memberlist-bench measures Debian's memberlist v0.2.2 with N real nodes in one process on loopback (real
// UDP and TCP sockets, distinct ports) and prints one JSON report on stdout. Scenarios: join (convergence
// after a join storm), crash (first suspicion, all declare dead), leave (all see it left), idle (CPU,
// traffic and heap per node), fp (false positives: healthy window, then one node slowed by 1-2 s).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"runtime"
	"time"
)

type report struct {
	Implementation string      `json:"implementation"`
	GoVersion      string      `json:"goVersion"`
	CPUs           int         `json:"cpus"`
	N              int         `json:"n"`
	Preset         string      `json:"preset"`
	Reps           int         `json:"reps"`
	Join           interface{} `json:"join,omitempty"`
	Crash          interface{} `json:"crash,omitempty"`
	Leave          interface{} `json:"leave,omitempty"`
	Idle           interface{} `json:"idle,omitempty"`
	FP             interface{} `json:"fp,omitempty"`
	Storm          interface{} `json:"storm,omitempty"`
	Errors         []string    `json:"errors,omitempty"`
	WallSeconds    float64     `json:"wallSeconds"`
}

type stderrWriter struct{ prefix string }

func (w stderrWriter) Write(p []byte) (int, error) {
	_, err := os.Stderr.Write(append([]byte(w.prefix), p...))
	return len(p), err
}

type teeWriter struct{ a, b io.Writer }

func (t teeWriter) Write(p []byte) (int, error) {
	_, _ = t.a.Write(p)
	return t.b.Write(p)
}

func progress(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "[bench %s] %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

func main() {
	n := flag.Int("n", 8, "number of nodes")
	preset := flag.String("preset", "lan", "memberlist preset: lan or local")
	scenario := flag.String("scenario", "all", "all, join, crash, leave, idle, fp, or storm (not part of all)")
	stormHold := flag.Float64("storm-hold-seconds", 60, "storm: window watched after the cluster formed")
	idleSeconds := flag.Float64("idle-seconds", 20, "idle-cost window")
	idleWarmup := flag.Float64("idle-warmup", 0, "extra seconds to wait before the idle window (memberlist's first "+
		"periodic push/pull comes stagger+interval after start: 30-60 s on LAN)")
	fpSeconds := flag.Float64("fp-seconds", 20, "length of each false-positive window (healthy, then slowed)")
	reps := flag.Int("reps", 1, "repetitions of join/crash/leave (a fresh cluster each)")
	timeout := flag.Duration("timeout", 120*time.Second, "bound on every wait")
	verbose := flag.Bool("v", false, "copy memberlist logs to stderr")
	flag.Parse()
	// memberlist v0.2.2 draws staggers, shuffles and gossip targets from math/rand and never seeds it; Go 1.19's
	// global source starts from a fixed seed, so seed it the way applications embedding memberlist do.
	rand.Seed(time.Now().UnixNano())
	if *n < 3 {
		fmt.Fprintln(os.Stderr, "-n must be at least 3")
		os.Exit(2)
	}
	if err := probeInternals(); err != nil {
		fmt.Fprintln(os.Stderr, "unsupported memberlist build:", err)
		os.Exit(1)
	}
	want := func(s string) bool { return *scenario == "all" || *scenario == s }
	started := time.Now()
	out := report{
		Implementation: "hashicorp/memberlist v0.2.2 (Debian)", GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
		N: *n, Preset: *preset, Reps: *reps,
	}
	fail := func(err error) { out.Errors = append(out.Errors, err.Error()); progress("error: %v", err) }

	if want("join") || want("crash") || want("leave") {
		var join, suspect, dead, left timing
		for rep := 0; rep < *reps; rep++ {
			c, err := newCluster(*n, *preset, *verbose)
			if err != nil {
				fail(err)
				break
			}
			d, ok, err := measureJoin(c, *timeout)
			if err != nil {
				fail(err)
			}
			join.add(d, ok)
			progress("rep %d: join convergence %v (ok=%v)", rep, d, ok)
			if want("crash") && ok {
				s, dd, okS, okD := measureCrash(c, *timeout)
				suspect.add(s, okS)
				dead.add(dd, okD)
				progress("rep %d: crash first suspect %v, all dead %v", rep, s, dd)
			}
			if want("leave") && ok {
				l, okL, err := measureLeave(c, *timeout)
				if err != nil {
					fail(err)
				}
				left.add(l, okL)
				progress("rep %d: leave seen by all %v", rep, l)
			}
			c.shutdown()
		}
		if want("join") {
			out.Join = map[string]interface{}{"convergence": join}
		}
		if want("crash") {
			out.Crash = map[string]interface{}{"model": describeCrashModel(), "firstSuspect": suspect, "allDead": dead}
		}
		if want("leave") {
			out.Leave = map[string]interface{}{"allLeft": left}
		}
	}

	// A zero-length window is a window not asked for: no cluster is built for it.
	doIdle := want("idle") && *idleSeconds > 0
	doFP := want("fp") && *fpSeconds > 0
	if doIdle || doFP {
		baseline := heapAfterGC()
		c, err := newCluster(*n, *preset, *verbose)
		if err != nil {
			fail(err)
		} else {
			if _, ok, err := measureJoin(c, *timeout); err != nil || !ok {
				fail(fmt.Errorf("idle/fp cluster did not converge: %v", err))
			} else {
				// Let the join broadcasts drain before measuring.
				time.Sleep(2*time.Second + time.Duration(*idleWarmup*float64(time.Second)))
				if doIdle {
					progress("idle window %.0fs", *idleSeconds)
					idle := measureIdle(c, time.Duration(*idleSeconds*float64(time.Second)), baseline)
					second, err := measureSecondCluster(*n, *preset, *verbose, *timeout)
					if err != nil {
						fail(fmt.Errorf("second cluster: %v", err))
					}
					idle.HeapSecondClusterBytesPerNode = second
					out.Idle = idle
				}
				if doFP {
					progress("false-positive windows 2 x %.0fs", *fpSeconds)
					out.FP = measureFalsePositives(c, time.Duration(*fpSeconds*float64(time.Second)))
				}
			}
			c.shutdown()
		}
	}
	if *scenario == "storm" {
		c, err := newCluster(*n, *preset, *verbose)
		if err != nil {
			fail(err)
		} else {
			// No shutdown: after a storm v0.2.2 nodes can hold their locks for minutes, and the process ends anyway.
			out.Storm = measureStorm(c, *timeout, time.Duration(*stormHold*float64(time.Second)))
		}
	}
	out.WallSeconds = round(time.Since(started).Seconds())
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		os.Exit(1)
	}
	if len(out.Errors) > 0 {
		os.Exit(1)
	}
}
