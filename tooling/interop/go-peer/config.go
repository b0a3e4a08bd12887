package main

// The start-up configuration, given as JSON (command-line argument or the first stdin line) and mapped onto
// memberlist.Config. Every timing is an optional override of the chosen preset, in milliseconds.

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/hashicorp/memberlist"
)

type peerConfig struct {
	Name          string `json:"name"`
	BindAddr      string `json:"bindAddr"`
	BindPort      int    `json:"bindPort"`
	AdvertiseAddr string `json:"advertiseAddr"`
	AdvertisePort int    `json:"advertisePort"`
	Preset        string `json:"preset"` // lan (default), wan, local

	ProbeIntervalMs         *int64 `json:"probeIntervalMs"`
	ProbeTimeoutMs          *int64 `json:"probeTimeoutMs"`
	GossipIntervalMs        *int64 `json:"gossipIntervalMs"`
	GossipNodes             *int   `json:"gossipNodes"`
	GossipToTheDeadTimeMs   *int64 `json:"gossipToTheDeadTimeMs"`
	SuspicionMult           *int   `json:"suspicionMult"`
	SuspicionMaxTimeoutMult *int   `json:"suspicionMaxTimeoutMult"`
	PushPullIntervalMs      *int64 `json:"pushPullIntervalMs"`
	TCPTimeoutMs            *int64 `json:"tcpTimeoutMs"`
	RetransmitMult          *int   `json:"retransmitMult"`
	IndirectChecks          *int   `json:"indirectChecks"`
	AwarenessMaxMultiplier  *int   `json:"awarenessMaxMultiplier"`
	DisableTCPPings         *bool  `json:"disableTcpPings"`
	DeadNodeReclaimTimeMs   *int64 `json:"deadNodeReclaimTimeMs"`
	UDPBufferSize           *int   `json:"udpBufferSize"`
	HandoffQueueDepth       *int   `json:"handoffQueueDepth"`

	ProtocolVersion         *uint8 `json:"protocolVersion"`
	DelegateProtocolVersion uint8  `json:"delegateProtocolVersion"`
	DelegateProtocolMin     uint8  `json:"delegateProtocolMin"`
	DelegateProtocolMax     uint8  `json:"delegateProtocolMax"`
	EnableCompression       *bool  `json:"enableCompression"`

	Keys                 []string `json:"keys"`       // base64; 16, 24 or 32 bytes each
	PrimaryKey           string   `json:"primaryKey"` // base64; defaults to keys[0]
	GossipVerifyIncoming *bool    `json:"gossipVerifyIncoming"`
	GossipVerifyOutgoing *bool    `json:"gossipVerifyOutgoing"`

	Meta       string `json:"meta"`       // base64, ≤ 512 bytes
	UserState  string `json:"userState"`  // base64, returned by Delegate.LocalState
	AckPayload string `json:"ackPayload"` // base64, returned by PingDelegate.AckPayload
	PingEvents bool   `json:"pingEvents"` // emit a pingComplete event for every successful probe
	Slow       bool   `json:"slow"`       // start with the inbound delay on
}

func ms(v int64) time.Duration { return time.Duration(v) * time.Millisecond }

func decodeB64(field, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid base64: %v", field, err)
	}
	return b, nil
}

// memberlistConfig builds memberlist's Config (without Transport, Delegate and friends, set by the caller).
func (c *peerConfig) memberlistConfig() (*memberlist.Config, error) {
	var conf *memberlist.Config
	switch c.Preset {
	case "", "lan":
		conf = memberlist.DefaultLANConfig()
	case "wan":
		conf = memberlist.DefaultWANConfig()
	case "local":
		conf = memberlist.DefaultLocalConfig()
	default:
		return nil, fmt.Errorf("unknown preset %q (lan, wan, local)", c.Preset)
	}
	if c.Name == "" {
		return nil, fmt.Errorf("name is required")
	}
	conf.Name = c.Name
	conf.DNSConfigPath = "" // never consult resolv.conf: joins use literal loopback addresses
	setDur := func(dst *time.Duration, v *int64) {
		if v != nil {
			*dst = ms(*v)
		}
	}
	setInt := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	setDur(&conf.ProbeInterval, c.ProbeIntervalMs)
	setDur(&conf.ProbeTimeout, c.ProbeTimeoutMs)
	setDur(&conf.GossipInterval, c.GossipIntervalMs)
	setInt(&conf.GossipNodes, c.GossipNodes)
	setDur(&conf.GossipToTheDeadTime, c.GossipToTheDeadTimeMs)
	setInt(&conf.SuspicionMult, c.SuspicionMult)
	setInt(&conf.SuspicionMaxTimeoutMult, c.SuspicionMaxTimeoutMult)
	setDur(&conf.PushPullInterval, c.PushPullIntervalMs)
	setDur(&conf.TCPTimeout, c.TCPTimeoutMs)
	setInt(&conf.RetransmitMult, c.RetransmitMult)
	setInt(&conf.IndirectChecks, c.IndirectChecks)
	setInt(&conf.AwarenessMaxMultiplier, c.AwarenessMaxMultiplier)
	setDur(&conf.DeadNodeReclaimTime, c.DeadNodeReclaimTimeMs)
	setInt(&conf.UDPBufferSize, c.UDPBufferSize)
	setInt(&conf.HandoffQueueDepth, c.HandoffQueueDepth)
	if c.DisableTCPPings != nil {
		conf.DisableTcpPings = *c.DisableTCPPings
	}
	if c.ProtocolVersion != nil {
		conf.ProtocolVersion = *c.ProtocolVersion
	}
	conf.DelegateProtocolVersion = c.DelegateProtocolVersion
	conf.DelegateProtocolMin = c.DelegateProtocolMin
	conf.DelegateProtocolMax = c.DelegateProtocolMax
	if c.EnableCompression != nil {
		conf.EnableCompression = *c.EnableCompression
	}
	if c.GossipVerifyIncoming != nil {
		conf.GossipVerifyIncoming = *c.GossipVerifyIncoming
	}
	if c.GossipVerifyOutgoing != nil {
		conf.GossipVerifyOutgoing = *c.GossipVerifyOutgoing
	}

	// Always give memberlist a keyring, empty when no key is configured, so keys can be installed live
	// (memberlist only checks Keyring != nil && len(keys) > 0 when it sends or receives).
	var keys [][]byte
	for i, k := range c.Keys {
		key, err := decodeB64(fmt.Sprintf("keys[%d]", i), k)
		if err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	primary, err := decodeB64("primaryKey", c.PrimaryKey)
	if err != nil {
		return nil, err
	}
	if primary == nil && len(keys) > 0 {
		primary = keys[0]
	}
	ring, err := memberlist.NewKeyring(keys, primary)
	if err != nil {
		return nil, fmt.Errorf("keyring: %v", err)
	}
	conf.Keyring = ring
	return conf, nil
}
