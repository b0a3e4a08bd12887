package main

// N real memberlist nodes in one process, each on its own loopback port with real UDP and TCP sockets.

import (
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

type benchNode struct {
	name      string
	list      *memberlist.Memberlist
	transport *wrappingTransport
	observer  *observer
	stopped   bool
}

type cluster struct {
	nodes []*benchNode
}

func presetConfig(preset string) (*memberlist.Config, error) {
	switch preset {
	case "lan":
		return memberlist.DefaultLANConfig(), nil
	case "local":
		return memberlist.DefaultLocalConfig(), nil
	}
	return nil, fmt.Errorf("unknown preset %q (lan, local)", preset)
}

// newCluster creates n nodes that know nobody yet.
func newCluster(n int, preset string, verbose bool) (*cluster, error) {
	c := &cluster{}
	for i := 0; i < n; i++ {
		node, err := newBenchNode(fmt.Sprintf("node-%03d", i), preset, verbose)
		if err != nil {
			c.shutdown()
			return nil, err
		}
		c.nodes = append(c.nodes, node)
	}
	return c, nil
}

func newBenchNode(name, preset string, verbose bool) (*benchNode, error) {
	conf, err := presetConfig(preset)
	if err != nil {
		return nil, err
	}
	obs := newObserver()
	var sink = log.New(obs, "", 0)
	if verbose {
		sink = log.New(teeWriter{obs, stderrWriter{prefix: name + " "}}, "", log.Lmicroseconds)
	}
	transport, err := newWrappingTransport("127.0.0.1", 0, sink)
	if err != nil {
		return nil, err
	}
	conf.Name = name
	conf.Transport = transport
	conf.BindAddr = "127.0.0.1"
	conf.BindPort = transport.Port()
	conf.AdvertisePort = transport.Port()
	conf.DNSConfigPath = ""
	conf.Logger = sink
	conf.Events = obs
	list, err := memberlist.Create(conf)
	if err != nil {
		_ = transport.Shutdown()
		return nil, err
	}
	return &benchNode{name: name, list: list, transport: transport, observer: obs}, nil
}

func (n *benchNode) address() string {
	return fmt.Sprintf("127.0.0.1:%d", n.transport.Port())
}

// crash stops the node without a leave: memberlist's Shutdown closes the sockets and stops every timer,
// so peers see exactly what a killed process looks like (no acks, TCP connections refused).
func (n *benchNode) crash() {
	if !n.stopped {
		n.stopped = true
		_ = n.list.Shutdown()
	}
}

func (n *benchNode) leave(timeout time.Duration) error {
	err := n.list.Leave(timeout)
	n.stopped = true
	_ = n.list.Shutdown()
	return err
}

// joinStorm makes every node but the first join the first one at the same moment.
func (c *cluster) joinStorm() error {
	seed := c.nodes[0].address()
	var wg sync.WaitGroup
	errs := make(chan error, len(c.nodes))
	for _, node := range c.nodes[1:] {
		wg.Add(1)
		go func(n *benchNode) {
			defer wg.Done()
			if _, err := n.list.Join([]string{seed}); err != nil {
				errs <- fmt.Errorf("%s: %v", n.name, err)
			}
		}(node)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// running returns the nodes that are not stopped.
func (c *cluster) running() []*benchNode {
	var out []*benchNode
	for _, n := range c.nodes {
		if !n.stopped {
			out = append(out, n)
		}
	}
	return out
}

func (c *cluster) shutdown() {
	var wg sync.WaitGroup
	for _, n := range c.nodes {
		if n.stopped {
			continue
		}
		n.stopped = true
		wg.Add(1)
		go func(n *benchNode) {
			defer wg.Done()
			_ = n.list.Shutdown()
		}(n)
	}
	wg.Wait()
}

// waitUntil polls cond every 5 ms until it holds or timeout passes.
func waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}
