package main

// The command handlers: one JSON command in, one result (or error) out.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/hashicorp/memberlist"
)

// command is the union of all command fields; each handler reads the ones it needs.
type command struct {
	ID        json.RawMessage `json:"id"`
	Cmd       string          `json:"cmd"`
	Addrs     []string        `json:"addrs"`
	TimeoutMs int64           `json:"timeoutMs"`
	Node      string          `json:"node"`
	Addr      string          `json:"addr"`
	Data      []byte          `json:"data"` // base64 in JSON
	Key       []byte          `json:"key"`  // base64 in JSON
	Enabled   *bool           `json:"enabled"`
	Incoming  *bool           `json:"incoming"`
	Outgoing  *bool           `json:"outgoing"`
	MinMs     int64           `json:"minMs"`
	MaxMs     int64           `json:"maxMs"`
}

var errShutDown = errors.New("node is shut down")

func (p *peer) handle(c *command) (interface{}, error) {
	if p.isShutDown() && c.Cmd != "shutdown" && c.Cmd != "stats" {
		return nil, errShutDown
	}
	switch c.Cmd {
	case "join":
		n, err := p.list.Join(c.Addrs)
		if err != nil {
			return map[string]int{"joined": n}, err
		}
		return map[string]int{"joined": n}, nil
	case "leave":
		return nil, p.list.Leave(timeoutOf(c.TimeoutMs, 5*time.Second))
	case "shutdown":
		p.markShutDown()
		return nil, p.list.Shutdown()
	case "members":
		var alive []nodeView
		for _, n := range allNodes(p.list) {
			if n.State != "dead" && n.State != "left" {
				alive = append(alive, n)
			}
		}
		return map[string]interface{}{"members": nonNil(alive)}, nil
	case "nodes":
		return map[string]interface{}{"nodes": nonNil(allNodes(p.list))}, nil
	case "localNode":
		return map[string]interface{}{"node": viewOf(p.list.LocalNode())}, nil
	case "numMembers":
		return map[string]int{"count": p.list.NumMembers()}, nil
	case "healthScore":
		return map[string]int{"score": p.list.GetHealthScore()}, nil
	case "setMeta":
		if len(c.Data) > memberlist.MetaMaxSize {
			return nil, fmt.Errorf("meta is %d bytes, memberlist allows %d", len(c.Data), memberlist.MetaMaxSize)
		}
		p.delegate.setMeta(c.Data)
		return nil, nil
	case "updateNode":
		return nil, p.list.UpdateNode(timeoutOf(c.TimeoutMs, 5*time.Second))
	case "setUserState":
		p.delegate.setUserState(c.Data)
		return nil, nil
	case "sendBestEffort", "sendReliable":
		target, err := p.member(c.Node)
		if err != nil {
			return nil, err
		}
		if c.Cmd == "sendBestEffort" {
			return nil, p.list.SendBestEffort(target, c.Data)
		}
		return nil, p.list.SendReliable(target, c.Data)
	case "broadcast":
		if len(c.Data) == 0 {
			return nil, errors.New("empty broadcast (memberlist v0.2.2 peers panic on empty messages)")
		}
		p.delegate.broadcasts.QueueBroadcast(&userBroadcast{msg: c.Data})
		return map[string]int{"queued": p.delegate.broadcasts.NumQueued()}, nil
	case "ping":
		return p.ping(c)
	case "installKey", "useKey", "removeKey", "keys":
		return p.keyCommand(c)
	case "setVerify":
		// memberlist v0.2.2 reads Config.GossipVerifyIncoming/Outgoing at every send and receive (net.go), so
		// changing them on the config it holds takes effect immediately. The fields are plain bools read
		// without a lock: a benign race on one word.
		if c.Incoming != nil {
			p.conf.GossipVerifyIncoming = *c.Incoming
		}
		if c.Outgoing != nil {
			p.conf.GossipVerifyOutgoing = *c.Outgoing
		}
		return map[string]bool{"incoming": p.conf.GossipVerifyIncoming, "outgoing": p.conf.GossipVerifyOutgoing}, nil
	case "setSlow":
		on := c.Enabled != nil && *c.Enabled
		p.transport.SetSlow(on, ms(c.MinMs), ms(c.MaxMs))
		return map[string]bool{"slow": p.transport.Slow()}, nil
	case "setPingEvents":
		p.delegate.setPingEvents(c.Enabled != nil && *c.Enabled)
		return nil, nil
	case "stats":
		return p.transport.Counters(), nil
	default:
		return nil, fmt.Errorf("unknown command %q", c.Cmd)
	}
}

// member finds a live member by name (SendBestEffort and SendReliable take memberlist's *Node).
func (p *peer) member(name string) (*memberlist.Node, error) {
	for _, n := range p.list.Members() {
		if n.Name == name {
			return n, nil
		}
	}
	return nil, fmt.Errorf("no live member named %q", name)
}

// ping uses memberlist's Ping(name, addr): one UDP ping, no indirect probes, no state change.
func (p *peer) ping(c *command) (interface{}, error) {
	addrText := c.Addr
	if addrText == "" {
		target, err := p.member(c.Node)
		if err != nil {
			return nil, err
		}
		addrText = target.Address()
	}
	addr, err := net.ResolveUDPAddr("udp", addrText)
	if err != nil {
		return nil, err
	}
	rtt, err := p.list.Ping(c.Node, addr)
	if err != nil {
		return nil, err
	}
	return map[string]float64{"rttMs": float64(rtt) / float64(time.Millisecond)}, nil
}

func (p *peer) keyCommand(c *command) (interface{}, error) {
	ring := p.conf.Keyring
	var err error
	switch c.Cmd {
	case "installKey":
		err = ring.AddKey(c.Key)
	case "useKey":
		err = ring.UseKey(c.Key)
	case "removeKey":
		// v0.2.2 indexes keys[0] without checking: removing from an empty keyring would panic.
		if len(ring.GetKeys()) == 0 {
			err = errors.New("the keyring is empty")
		} else {
			err = ring.RemoveKey(c.Key)
		}
	}
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"keys": nonNil(ring.GetKeys()), "primary": ring.GetPrimaryKey()}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
