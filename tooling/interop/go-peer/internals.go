package main

// memberlist v0.2.2 keeps a member's incarnation and *real* state in its private nodeState, which embeds the
// public Node at offset 0. The public Node.State field is never written by v0.2.2 (it stays StateAlive even
// for dead and left nodes), and Members() hides dead and left nodes. Tests need the truth, so this file reads
// nodeState through the *Node pointers memberlist hands out (Members, LocalNode, event callbacks all point
// into a nodeState). The layout is verified with reflection at start-up; if it ever changes, the program
// refuses to start instead of reading garbage.

import (
	"fmt"
	"net"
	"reflect"
	"sync"
	"unsafe"

	"github.com/hashicorp/memberlist"
)

type internalsLayout struct {
	incarnationOffset uintptr
	stateOffset       uintptr
	nodesOffset       uintptr
	nodeLockOffset    uintptr
}

var layout internalsLayout

// probeInternals checks memberlist's private layout and records the offsets used by the readers below.
func probeInternals() error {
	mt := reflect.TypeOf(memberlist.Memberlist{})
	nodes, ok := mt.FieldByName("nodes")
	if !ok || nodes.Type.Kind() != reflect.Slice || nodes.Type.Elem().Kind() != reflect.Ptr {
		return fmt.Errorf("memberlist.Memberlist.nodes is not []*nodeState")
	}
	lock, ok := mt.FieldByName("nodeLock")
	if !ok || lock.Type != reflect.TypeOf(sync.RWMutex{}) {
		return fmt.Errorf("memberlist.Memberlist.nodeLock is not a sync.RWMutex")
	}
	ns := nodes.Type.Elem().Elem()
	embedded, ok := ns.FieldByName("Node")
	if !ok || !embedded.Anonymous || embedded.Offset != 0 || embedded.Type != reflect.TypeOf(memberlist.Node{}) {
		return fmt.Errorf("nodeState does not embed Node at offset 0")
	}
	inc, ok := ns.FieldByName("Incarnation")
	if !ok || inc.Type.Kind() != reflect.Uint32 {
		return fmt.Errorf("nodeState.Incarnation is not a uint32")
	}
	state, ok := ns.FieldByName("State") // depth 0 wins over the promoted Node.State
	if !ok || len(state.Index) != 1 || state.Type != reflect.TypeOf(memberlist.StateAlive) {
		return fmt.Errorf("nodeState.State is not a NodeStateType")
	}
	layout = internalsLayout{
		incarnationOffset: inc.Offset,
		stateOffset:       state.Offset,
		nodesOffset:       nodes.Offset,
		nodeLockOffset:    lock.Offset,
	}
	return nil
}

// nodeView is the JSON form of one member as this node sees it.
type nodeView struct {
	Name        string  `json:"name"`
	Addr        string  `json:"addr"`
	Port        uint16  `json:"port"`
	State       string  `json:"state"`
	Incarnation *uint32 `json:"incarnation"`
	Meta        []byte  `json:"meta"` // encoding/json writes []byte as base64
	Vsn         []int   `json:"vsn"`  // [pmin, pmax, pcur, dmin, dmax, dcur]
}

var stateNames = map[memberlist.NodeStateType]string{
	memberlist.StateAlive:   "alive",
	memberlist.StateSuspect: "suspect",
	memberlist.StateDead:    "dead",
	memberlist.StateLeft:    "left",
}

func stateName(s memberlist.NodeStateType) string {
	if name, ok := stateNames[s]; ok {
		return name
	}
	return fmt.Sprintf("unknown(%d)", int(s))
}

// stateOf reads the real state of a node; n must point into a nodeState.
func stateOf(n *memberlist.Node) memberlist.NodeStateType {
	return *(*memberlist.NodeStateType)(unsafe.Add(unsafe.Pointer(n), layout.stateOffset))
}

// incarnationOf reads the incarnation of a node; n must point into a nodeState.
func incarnationOf(n *memberlist.Node) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(n), layout.incarnationOffset))
}

// viewOf builds the JSON view of a node that lives inside a nodeState (caller holds memberlist's node lock,
// or accepts a racy read of a few words).
func viewOf(n *memberlist.Node) nodeView {
	v := plainViewOf(n)
	inc := incarnationOf(n)
	v.Incarnation = &inc
	v.State = stateName(stateOf(n))
	return v
}

// plainViewOf builds the view of a free-standing Node (for example the "other" side of a conflict), which
// has no nodeState around it: no incarnation, and the state is whatever the Node says.
func plainViewOf(n *memberlist.Node) nodeView {
	return nodeView{
		Name:  n.Name,
		Addr:  net.IP(n.Addr).String(),
		Port:  n.Port,
		State: stateName(n.State),
		Meta:  append([]byte{}, n.Meta...),
		Vsn:   []int{int(n.PMin), int(n.PMax), int(n.PCur), int(n.DMin), int(n.DMax), int(n.DCur)},
	}
}

// allNodes snapshots every entry of the node list, dead and left ones included, under memberlist's lock.
func allNodes(m *memberlist.Memberlist) []nodeView {
	base := unsafe.Pointer(m)
	lock := (*sync.RWMutex)(unsafe.Add(base, layout.nodeLockOffset))
	lock.RLock()
	defer lock.RUnlock()
	// The element type is the private *nodeState; each pointer also points at its embedded Node.
	list := *(*[]*memberlist.Node)(unsafe.Add(base, layout.nodesOffset))
	out := make([]nodeView, 0, len(list))
	for _, n := range list {
		out = append(out, viewOf(n))
	}
	return out
}
