package main

// Bench mode: times memberlist's own code paths for the cases @gossip/wire's benchmark runs, on the inputs the
// benchmark sends, and prints nanoseconds per operation as JSON.

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

type benchConfig struct {
	DurationMs    int               `json:"durationMs"`
	Ping          ping              `json:"ping"`
	Ack           ackResp           `json:"ack"`
	Alive         alive             `json:"alive"`
	CompoundParts []string          `json:"compoundParts"`
	Lzw           map[string]string `json:"lzw"`
}

// measure runs fn repeatedly for about the configured duration and returns ns per call.
func measure(d time.Duration, fn func()) float64 {
	for i := 0; i < 1000; i++ {
		fn()
	}
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		for i := 0; i < 100; i++ {
			fn()
		}
		n += 100
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "wire-check bench:", err)
		os.Exit(2)
	}
}

func runBench(in io.Reader, out io.Writer) {
	var cfg benchConfig
	must(json.NewDecoder(in).Decode(&cfg))
	d := time.Duration(cfg.DurationMs) * time.Millisecond
	results := map[string]float64{}

	roundTrip := func(code uint8, v interface{}, fresh func() interface{}) func() {
		return func() {
			buf, err := encode(code, v)
			must(err)
			must(decode(buf.Bytes()[1:], fresh()))
		}
	}
	results["ping"] = measure(d, roundTrip(pingMsg, &cfg.Ping, func() interface{} { return &ping{} }))
	results["ack"] = measure(d, roundTrip(ackRespMsg, &cfg.Ack, func() interface{} { return &ackResp{} }))
	results["alive"] = measure(d, roundTrip(aliveMsg, &cfg.Alive, func() interface{} { return &alive{} }))

	parts := make([][]byte, len(cfg.CompoundParts))
	for i, p := range cfg.CompoundParts {
		var err error
		parts[i], err = hex.DecodeString(p)
		must(err)
	}
	results["compound"] = measure(d, func() {
		buf := makeCompoundMessage(parts)
		_, _, err := decodeCompoundMessage(buf.Bytes()[1:])
		must(err)
	})

	for name, h := range cfg.Lzw {
		data, err := hex.DecodeString(h)
		must(err)
		results["lzw_"+name] = measure(d, func() {
			c, err := lzwCompress(data)
			must(err)
			_, err = lzwDecompress(c)
			must(err)
		})
	}
	must(json.NewEncoder(out).Encode(results))
}
