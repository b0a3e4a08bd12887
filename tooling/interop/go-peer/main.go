// go-peer runs one real HashiCorp memberlist (Debian's v0.2.2) node driven over stdin/stdout with JSON
// lines, for the TypeScript interop tests (tooling/interop/src/go-peer.ts is its driver).
//
// Start:   go-peer '<config JSON>'  (or no argument and {"cmd":"start","config":{...}} as the first line)
// Ready:   {"event":"ready","name":...,"addr":...,"port":...}
// Command: {"id":1,"cmd":"join","addrs":["127.0.0.1:7946"]}  →  {"id":1,"ok":true,"result":{...}}
// Events:  {"event":"join"|"leave"|"update"|"message"|"mergeRemoteState"|"conflict"|"pingComplete",...}
//
// memberlist's own log goes to stderr. The process exits after "shutdown", or when stdin closes (so it
// never outlives its driver).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand"
	"os"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// peer is the running node and everything the commands need.
type peer struct {
	list      *memberlist.Memberlist
	conf      *memberlist.Config
	delegate  *peerDelegate
	transport *wrappingTransport
	exit      chan int
	shutDown  atomic.Bool
}

func fail(format string, args ...interface{}) {
	msg := fmt.Sprintf(format, args...)
	emit("error", map[string]interface{}{"error": msg})
	fmt.Fprintln(os.Stderr, "go-peer:", msg)
	os.Exit(1)
}

func main() {
	if err := probeInternals(); err != nil {
		fail("unsupported memberlist build: %v", err)
	}
	// memberlist v0.2.2 draws staggers, shuffles and gossip targets from math/rand and never seeds it; Go
	// 1.19's global source starts from a fixed seed, so every peer would replay the same "random" choices.
	rand.Seed(time.Now().UnixNano())
	in := bufio.NewReaderSize(os.Stdin, 1024*1024)
	var cfg peerConfig
	if len(os.Args) > 1 {
		if err := json.Unmarshal([]byte(os.Args[1]), &cfg); err != nil {
			fail("config argument: %v", err)
		}
	} else {
		line, err := in.ReadBytes('\n')
		if err != nil {
			fail("reading start command: %v", err)
		}
		var start struct {
			Cmd    string     `json:"cmd"`
			Config peerConfig `json:"config"`
		}
		if err := json.Unmarshal(line, &start); err != nil || start.Cmd != "start" {
			fail("first line must be {\"cmd\":\"start\",\"config\":{...}} (%v)", err)
		}
		cfg = start.Config
	}
	p, err := startPeer(&cfg)
	if err != nil {
		fail("start: %v", err)
	}
	addr, port := p.list.LocalNode().Addr.String(), p.list.LocalNode().Port
	emit("ready", map[string]interface{}{
		"name": cfg.Name, "addr": addr, "port": port, "protocolVersion": p.conf.ProtocolVersion,
	})

	go p.readCommands(in)
	code := <-p.exit
	os.Exit(code)
}

func startPeer(cfg *peerConfig) (*peer, error) {
	conf, err := cfg.memberlistConfig()
	if err != nil {
		return nil, err
	}
	meta, err := decodeB64("meta", cfg.Meta)
	if err != nil {
		return nil, err
	}
	if len(meta) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("meta is %d bytes, memberlist allows %d", len(meta), memberlist.MetaMaxSize)
	}
	userState, err := decodeB64("userState", cfg.UserState)
	if err != nil {
		return nil, err
	}
	ackPayload, err := decodeB64("ackPayload", cfg.AckPayload)
	if err != nil {
		return nil, err
	}
	logger := log.New(os.Stderr, cfg.Name+" ", log.LstdFlags|log.Lmicroseconds)
	conf.Logger = logger

	bindAddr := cfg.BindAddr
	if bindAddr == "" {
		bindAddr = "127.0.0.1"
	}
	transport, err := newWrappingTransport(bindAddr, cfg.BindPort, logger)
	if err != nil {
		return nil, fmt.Errorf("transport: %v", err)
	}
	transport.SetSlow(cfg.Slow, 0, 0)
	conf.Transport = transport
	conf.BindAddr = bindAddr
	conf.BindPort = transport.Port()
	conf.AdvertiseAddr = cfg.AdvertiseAddr
	conf.AdvertisePort = cfg.AdvertisePort
	if conf.AdvertisePort == 0 {
		conf.AdvertisePort = transport.Port()
	}

	d := &peerDelegate{meta: meta, userState: userState, ackPayload: ackPayload}
	d.setPingEvents(cfg.PingEvents)
	conf.Delegate = d
	conf.Events = d
	conf.Conflict = d
	conf.Ping = d

	list, err := memberlist.Create(conf)
	if err != nil {
		_ = transport.Shutdown()
		return nil, err
	}
	d.broadcasts = &memberlist.TransmitLimitedQueue{NumNodes: list.NumMembers, RetransmitMult: conf.RetransmitMult}
	return &peer{list: list, conf: conf, delegate: d, transport: transport, exit: make(chan int, 1)}, nil
}

// readCommands dispatches one command per line until stdin closes, then shuts the node down.
func (p *peer) readCommands(in *bufio.Reader) {
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			p.dispatch(line)
		}
		if err != nil {
			if err != io.EOF {
				fmt.Fprintln(os.Stderr, "go-peer: stdin:", err)
			}
			p.markShutDown()
			_ = p.list.Shutdown()
			p.exit <- 0
			return
		}
	}
}

// slowCommands block on the network (joins, leave broadcasts, TCP sends, pings) and run on their own
// goroutine, so events and other commands keep flowing; the rest run in order on the reader goroutine.
var slowCommands = map[string]bool{
	"join": true, "leave": true, "updateNode": true, "sendReliable": true, "ping": true, "shutdown": true,
}

func (p *peer) dispatch(line []byte) {
	var c command
	if err := json.Unmarshal(line, &c); err != nil {
		emit("error", map[string]interface{}{"error": "bad command line: " + err.Error()})
		return
	}
	run := func() {
		result, err := p.handle(&c)
		r := reply{ID: c.ID, OK: err == nil, Result: result}
		if err != nil {
			r.Error = err.Error()
		}
		stdout.write(r)
		if c.Cmd == "shutdown" && err == nil {
			p.exit <- 0
		}
	}
	if slowCommands[c.Cmd] {
		go run()
	} else {
		run()
	}
}

func timeoutOf(msValue int64, fallback time.Duration) time.Duration {
	if msValue > 0 {
		return ms(msValue)
	}
	return fallback
}

func (p *peer) markShutDown() { p.shutDown.Store(true) }

func (p *peer) isShutDown() bool { return p.shutDown.Load() }
