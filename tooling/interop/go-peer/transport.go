package main

// A memberlist.Transport that wraps memberlist's own NetTransport (real UDP and TCP sockets) and adds two
// things the interop tests and benchmarks need and a stock node cannot give:
//
//   - a "slow" switch: while on, every inbound packet and every accepted stream is handed to memberlist only
//     after a random delay in [minDelay, maxDelay]. This models a node whose message processing stalls
//     (GC pause, overloaded host, blocked event loop) — the situation Lifeguard was designed for — without
//     touching memberlist itself: its packet handler simply sees the traffic late.
//   - counters of what the node sends: UDP packets and bytes written, TCP bytes written on dialled and
//     accepted streams, so idle cost can be measured per node inside one process.
//
// This file is shared by tooling/interop/go-peer and tooling/bench/go (the latter links to it).

import (
	"log"
	"math/rand"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// trafficCounters are cumulative counts of what one node wrote to the network.
type trafficCounters struct {
	UDPPackets uint64 `json:"udpPackets"`
	UDPBytes   uint64 `json:"udpBytes"`
	TCPBytes   uint64 `json:"tcpBytes"`
	TCPDials   uint64 `json:"tcpDials"`
	TCPAccepts uint64 `json:"tcpAccepts"`
	Delayed    uint64 `json:"delayed"`
}

type wrappingTransport struct {
	inner    *memberlist.NetTransport
	packetCh chan *memberlist.Packet
	streamCh chan net.Conn
	stopCh   chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup

	slow     int32 // atomic bool
	delayMu  sync.Mutex
	minDelay time.Duration
	maxDelay time.Duration
	rng      *rand.Rand

	udpPackets, udpBytes, tcpBytes, tcpDials, tcpAccepts, delayed uint64 // atomic
}

var _ memberlist.NodeAwareTransport = (*wrappingTransport)(nil)

// newWrappingTransport binds a NetTransport on bindAddr:bindPort (port 0 = a free port) and starts forwarding.
func newWrappingTransport(bindAddr string, bindPort int, logger *log.Logger) (*wrappingTransport, error) {
	inner, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
		BindAddrs: []string{bindAddr},
		BindPort:  bindPort,
		Logger:    logger,
	})
	if err != nil {
		return nil, err
	}
	t := &wrappingTransport{
		inner:    inner,
		packetCh: make(chan *memberlist.Packet),
		streamCh: make(chan net.Conn),
		stopCh:   make(chan struct{}),
		minDelay: time.Second,
		maxDelay: 2 * time.Second,
		rng:      rand.New(rand.NewSource(time.Now().UnixNano())),
	}
	t.wg.Add(2)
	go t.forwardPackets()
	go t.forwardStreams()
	return t, nil
}

// Port is the port actually bound (useful when 0 was requested).
func (t *wrappingTransport) Port() int { return t.inner.GetAutoBindPort() }

// SetSlow turns the inbound delay on or off; a non-positive bound keeps the current one.
func (t *wrappingTransport) SetSlow(on bool, minDelay, maxDelay time.Duration) {
	t.delayMu.Lock()
	if minDelay > 0 {
		t.minDelay = minDelay
	}
	if maxDelay > 0 {
		t.maxDelay = maxDelay
	}
	if t.maxDelay < t.minDelay {
		t.maxDelay = t.minDelay
	}
	t.delayMu.Unlock()
	var v int32
	if on {
		v = 1
	}
	atomic.StoreInt32(&t.slow, v)
}

// Slow reports whether inbound traffic is being delayed.
func (t *wrappingTransport) Slow() bool { return atomic.LoadInt32(&t.slow) == 1 }

// Counters returns a snapshot of the cumulative traffic counters.
func (t *wrappingTransport) Counters() trafficCounters {
	return trafficCounters{
		UDPPackets: atomic.LoadUint64(&t.udpPackets),
		UDPBytes:   atomic.LoadUint64(&t.udpBytes),
		TCPBytes:   atomic.LoadUint64(&t.tcpBytes),
		TCPDials:   atomic.LoadUint64(&t.tcpDials),
		TCPAccepts: atomic.LoadUint64(&t.tcpAccepts),
		Delayed:    atomic.LoadUint64(&t.delayed),
	}
}

func (t *wrappingTransport) nextDelay() time.Duration {
	t.delayMu.Lock()
	defer t.delayMu.Unlock()
	span := int64(t.maxDelay - t.minDelay)
	if span <= 0 {
		return t.minDelay
	}
	return t.minDelay + time.Duration(t.rng.Int63n(span+1))
}

// deliverLater hands v to out after the slow delay, unless the transport shuts down first; beforeDeliver
// runs just before the hand-off.
func deliverLater[T any](t *wrappingTransport, out chan T, v T, beforeDeliver, onDrop func(T)) {
	atomic.AddUint64(&t.delayed, 1)
	timer := time.NewTimer(t.nextDelay())
	go func() {
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-t.stopCh:
			onDrop(v)
			return
		}
		beforeDeliver(v)
		select {
		case out <- v:
		case <-t.stopCh:
			onDrop(v)
		}
	}()
}

func (t *wrappingTransport) forwardPackets() {
	defer t.wg.Done()
	for {
		select {
		case p := <-t.inner.PacketCh():
			if t.Slow() {
				// A stalled process reads the datagram late, so it also stamps it late: memberlist measures
				// ack RTTs from this timestamp.
				deliverLater(t, t.packetCh, p, func(p *memberlist.Packet) { p.Timestamp = time.Now() },
					func(*memberlist.Packet) {})
				continue
			}
			select {
			case t.packetCh <- p:
			case <-t.stopCh:
				return
			}
		case <-t.stopCh:
			return
		}
	}
}

func (t *wrappingTransport) forwardStreams() {
	defer t.wg.Done()
	for {
		select {
		case c := <-t.inner.StreamCh():
			atomic.AddUint64(&t.tcpAccepts, 1)
			conn := &countingConn{Conn: c, written: &t.tcpBytes}
			if t.Slow() {
				deliverLater[net.Conn](t, t.streamCh, conn, func(net.Conn) {}, func(c net.Conn) { _ = c.Close() })
				continue
			}
			select {
			case t.streamCh <- conn:
			case <-t.stopCh:
				_ = c.Close()
				return
			}
		case <-t.stopCh:
			return
		}
	}
}

func (t *wrappingTransport) FinalAdvertiseAddr(ip string, port int) (net.IP, int, error) {
	return t.inner.FinalAdvertiseAddr(ip, port)
}

func (t *wrappingTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.WriteToAddress(b, memberlist.Address{Addr: addr})
}

func (t *wrappingTransport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	ts, err := t.inner.WriteToAddress(b, a)
	if err == nil {
		atomic.AddUint64(&t.udpPackets, 1)
		atomic.AddUint64(&t.udpBytes, uint64(len(b)))
	}
	return ts, err
}

func (t *wrappingTransport) PacketCh() <-chan *memberlist.Packet { return t.packetCh }

func (t *wrappingTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.DialAddressTimeout(memberlist.Address{Addr: addr}, timeout)
}

func (t *wrappingTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	c, err := t.inner.DialAddressTimeout(a, timeout)
	if err != nil {
		return nil, err
	}
	atomic.AddUint64(&t.tcpDials, 1)
	conn := &countingConn{Conn: c, written: &t.tcpBytes}
	if t.Slow() {
		// A stalled process also reads the answer on a stream it opened late (TCP fallback pings, push/pull
		// responses); without this a slow node's TCP pings would still succeed and hide its slowness.
		atomic.AddUint64(&t.delayed, 1)
		conn.firstReadDelay = t.nextDelay()
	}
	return conn, nil
}

func (t *wrappingTransport) StreamCh() <-chan net.Conn { return t.streamCh }

func (t *wrappingTransport) IngestPacket(conn net.Conn, addr net.Addr, now time.Time, shouldClose bool) error {
	return t.inner.IngestPacket(conn, addr, now, shouldClose)
}

func (t *wrappingTransport) IngestStream(conn net.Conn) error { return t.inner.IngestStream(conn) }

// Shutdown closes the sockets first (so the inner listeners can finish), then stops the forwarders.
func (t *wrappingTransport) Shutdown() error {
	err := t.inner.Shutdown()
	t.stopOnce.Do(func() { close(t.stopCh) })
	t.wg.Wait()
	return err
}

// countingConn counts the bytes memberlist writes on a TCP stream, and can hold back its first read.
type countingConn struct {
	net.Conn
	written        *uint64
	firstReadDelay time.Duration
	readOnce       sync.Once
}

func (c *countingConn) Read(b []byte) (int, error) {
	c.readOnce.Do(func() {
		if c.firstReadDelay > 0 {
			time.Sleep(c.firstReadDelay)
		}
	})
	return c.Conn.Read(b)
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	atomic.AddUint64(c.written, uint64(n))
	return n, err
}
