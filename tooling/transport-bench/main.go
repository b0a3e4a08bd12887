// Command transport-bench measures datagram throughput through memberlist's NetTransport on loopback: one
// sender transport writes fixed-size packets as fast as WriteTo allows, one receiver transport drains PacketCh.
// It prints one JSON object per payload size, for @gossip/transport's `pnpm bench` to compare against.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

type result struct {
	Impl         string  `json:"impl"`
	Size         int     `json:"size"`
	Sent         int     `json:"sent"`
	Received     int64   `json:"received"`
	SendSeconds  float64 `json:"sendSeconds"`
	RecvSeconds  float64 `json:"recvSeconds"`
	SendPerSec   float64 `json:"sendPerSec"`
	RecvPerSec   float64 `json:"recvPerSec"`
	LossFraction float64 `json:"lossFraction"`
}

func newTransport() *memberlist.NetTransport {
	t, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
		BindAddrs: []string{"127.0.0.1"},
		BindPort:  0,
		Logger:    log.New(ioutil.Discard, "", 0),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "transport:", err)
		os.Exit(1)
	}
	return t
}

func run(size, count int, maxDuration time.Duration) result {
	receiver := newTransport()
	sender := newTransport()
	defer receiver.Shutdown()
	defer sender.Shutdown()
	to := fmt.Sprintf("127.0.0.1:%d", receiver.GetAutoBindPort())

	var received int64
	var firstNs, lastNs int64
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-receiver.PacketCh():
				now := time.Now().UnixNano()
				if atomic.AddInt64(&received, 1) == 1 {
					atomic.StoreInt64(&firstNs, now)
				}
				atomic.StoreInt64(&lastNs, now)
			case <-done:
				return
			}
		}
	}()

	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(i)
	}
	start := time.Now()
	sent := 0
	for sent < count && time.Since(start) < maxDuration {
		if _, err := sender.WriteTo(buf, to); err == nil {
			sent++
		}
	}
	sendSeconds := time.Since(start).Seconds()

	// Wait until everything arrived or the receiver has been idle for 300 ms.
	for {
		before := atomic.LoadInt64(&received)
		if before >= int64(sent) {
			break
		}
		time.Sleep(300 * time.Millisecond)
		if atomic.LoadInt64(&received) == before {
			break
		}
	}
	close(done)
	got := atomic.LoadInt64(&received)
	recvSeconds := float64(atomic.LoadInt64(&lastNs)-atomic.LoadInt64(&firstNs)) / 1e9
	r := result{Impl: "go", Size: size, Sent: sent, Received: got, SendSeconds: sendSeconds, RecvSeconds: recvSeconds}
	r.SendPerSec = float64(sent) / sendSeconds
	if recvSeconds > 0 {
		r.RecvPerSec = float64(got-1) / recvSeconds
	}
	r.LossFraction = 1 - float64(got)/float64(sent)
	return r
}

// pingPong measures round trips per second with one datagram in flight: the sender waits for the echo of
// each packet before sending the next, so it times the transport's per-packet latency, not queueing.
type pingPongResult struct {
	Impl         string  `json:"impl"`
	Size         int     `json:"size"`
	RoundTrips   int     `json:"roundTrips"`
	Seconds      float64 `json:"seconds"`
	PerSec       float64 `json:"perSec"`
	MeanRttMicro float64 `json:"meanRttMicros"`
}

func pingPong(size, count int, maxDuration time.Duration) pingPongResult {
	a := newTransport()
	b := newTransport()
	defer a.Shutdown()
	defer b.Shutdown()
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case p := <-b.PacketCh():
				b.WriteTo(p.Buf, p.From.String())
			case <-done:
				return
			}
		}
	}()
	to := fmt.Sprintf("127.0.0.1:%d", b.GetAutoBindPort())
	buf := make([]byte, size)
	start := time.Now()
	trips := 0
	for trips < count && time.Since(start) < maxDuration {
		if _, err := a.WriteTo(buf, to); err != nil {
			continue
		}
		select {
		case <-a.PacketCh():
			trips++
		case <-time.After(time.Second):
			// lost on loopback (rare): send again
		}
	}
	secs := time.Since(start).Seconds()
	return pingPongResult{Impl: "go", Size: size, RoundTrips: trips, Seconds: secs,
		PerSec: float64(trips) / secs, MeanRttMicro: secs * 1e6 / float64(trips)}
}

func main() {
	mode := flag.String("mode", "flood", "flood (one-way throughput), pingpong (round trips) or echo (interop tests)")
	sizes := flag.String("sizes", "200,1400", "comma-separated payload sizes")
	count := flag.Int("count", 100000, "packets per size")
	maxMs := flag.Int("max-ms", 5000, "time cap per size for sending")
	flag.Parse()
	if *mode == "echo" {
		echo()
		return
	}
	enc := json.NewEncoder(os.Stdout)
	for _, s := range strings.Split(*sizes, ",") {
		size, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || size < 1 || size > 65507 {
			fmt.Fprintln(os.Stderr, "bad size:", s)
			os.Exit(2)
		}
		var out interface{}
		if *mode == "pingpong" {
			out = pingPong(size, *count, time.Duration(*maxMs)*time.Millisecond)
		} else {
			out = run(size, *count, time.Duration(*maxMs)*time.Millisecond)
		}
		if err := enc.Encode(out); err != nil {
			os.Exit(1)
		}
	}
}
