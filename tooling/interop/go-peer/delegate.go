package main

// The peer's memberlist delegates: application data (meta, user messages, broadcasts, push/pull user state)
// and the notifications a test wants to observe, each turned into a JSON event line.

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// peerDelegate implements memberlist.Delegate, EventDelegate, ConflictDelegate and PingDelegate.
type peerDelegate struct {
	mu         sync.Mutex
	meta       []byte
	userState  []byte
	ackPayload []byte
	pingEvents int32 // atomic bool
	broadcasts *memberlist.TransmitLimitedQueue
}

var (
	_ memberlist.Delegate         = (*peerDelegate)(nil)
	_ memberlist.EventDelegate    = (*peerDelegate)(nil)
	_ memberlist.ConflictDelegate = (*peerDelegate)(nil)
	_ memberlist.PingDelegate     = (*peerDelegate)(nil)
)

func (d *peerDelegate) setMeta(b []byte) {
	d.mu.Lock()
	d.meta = b
	d.mu.Unlock()
}

func (d *peerDelegate) setUserState(b []byte) {
	d.mu.Lock()
	d.userState = b
	d.mu.Unlock()
}

func (d *peerDelegate) setPingEvents(on bool) {
	var v int32
	if on {
		v = 1
	}
	atomic.StoreInt32(&d.pingEvents, v)
}

// NodeMeta returns the configured meta; memberlist panics on meta over the limit, so refuse it earlier
// (setMeta checks) and never hand more than limit bytes here.
func (d *peerDelegate) NodeMeta(limit int) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.meta) > limit {
		return d.meta[:limit]
	}
	return d.meta
}

func (d *peerDelegate) NotifyMsg(b []byte) {
	emit("message", map[string]interface{}{"data": b})
}

func (d *peerDelegate) GetBroadcasts(overhead, limit int) [][]byte {
	return d.broadcasts.GetBroadcasts(overhead, limit)
}

func (d *peerDelegate) LocalState(join bool) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.userState
}

func (d *peerDelegate) MergeRemoteState(buf []byte, join bool) {
	emit("mergeRemoteState", map[string]interface{}{"data": buf, "join": join})
}

// Event callbacks run while memberlist holds its node lock, and n points into a nodeState: read the view
// right away and never call back into memberlist from here.
func (d *peerDelegate) NotifyJoin(n *memberlist.Node) {
	emit("join", map[string]interface{}{"node": viewOf(n)})
}

func (d *peerDelegate) NotifyLeave(n *memberlist.Node) {
	emit("leave", map[string]interface{}{"node": viewOf(n)})
}

func (d *peerDelegate) NotifyUpdate(n *memberlist.Node) {
	emit("update", map[string]interface{}{"node": viewOf(n)})
}

func (d *peerDelegate) NotifyConflict(existing, other *memberlist.Node) {
	emit("conflict", map[string]interface{}{"existing": viewOf(existing), "other": plainViewOf(other)})
}

func (d *peerDelegate) AckPayload() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ackPayload
}

func (d *peerDelegate) NotifyPingComplete(other *memberlist.Node, rtt time.Duration, payload []byte) {
	if atomic.LoadInt32(&d.pingEvents) == 0 {
		return
	}
	emit("pingComplete", map[string]interface{}{
		"node":    other.Name,
		"rttMs":   float64(rtt) / float64(time.Millisecond),
		"payload": payload,
	})
}

// userBroadcast is one application broadcast queued in the TransmitLimitedQueue. Each is independent: none
// invalidates another.
type userBroadcast struct{ msg []byte }

func (b *userBroadcast) Invalidates(memberlist.Broadcast) bool { return false }
func (b *userBroadcast) Message() []byte                       { return b.msg }
func (b *userBroadcast) Finished()                             {}
