package main

// memberlist v0.2.2 hides dead and left nodes from Members() and never writes the public Node.State; the real
// state and incarnation live in its private nodeState list. This file reads that list through reflection (read
// only: reflect allows reading unexported fields, and the lock is taken through its address), so the agent can
// list every member with its true state, as `gossip agent` does.

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/hashicorp/memberlist"
)

// member mirrors the member JSON of `gossip agent`'s API.
type member struct {
	Name        string `json:"name"`
	Addr        string `json:"addr"`
	Port        uint64 `json:"port"`
	State       string `json:"state"`
	Incarnation uint64 `json:"incarnation"`
	Meta        string `json:"meta"`
	Encoding    string `json:"metaEncoding"`
	StateAgeMs  int64  `json:"stateAgeMs"`
}

var stateNames = []string{"alive", "suspect", "dead", "left"}

// checkLayout refuses to run against a memberlist whose private fields are not what this file reads.
func checkLayout(m *memberlist.Memberlist) error {
	v := reflect.ValueOf(m).Elem()
	nodes := v.FieldByName("nodes")
	if nodes.Kind() != reflect.Slice || nodes.Type().Elem().Kind() != reflect.Ptr {
		return fmt.Errorf("Memberlist.nodes is not a slice of pointers")
	}
	if v.FieldByName("nodeLock").Type() != reflect.TypeOf(sync.RWMutex{}) {
		return fmt.Errorf("Memberlist.nodeLock is not a sync.RWMutex")
	}
	st := nodes.Type().Elem().Elem()
	for _, f := range []string{"Incarnation", "State", "StateChange", "Node"} {
		if _, ok := st.FieldByName(f); !ok {
			return fmt.Errorf("nodeState has no %s", f)
		}
	}
	return nil
}

// snapshot lists every node memberlist knows, with its real state, under memberlist's node lock.
func snapshot(m *memberlist.Memberlist) []member {
	v := reflect.ValueOf(m).Elem()
	lockField := v.FieldByName("nodeLock")
	lock := (*sync.RWMutex)(unsafe.Pointer(lockField.UnsafeAddr()))
	lock.RLock()
	defer lock.RUnlock()
	nodes := v.FieldByName("nodes")
	now := time.Now()
	out := make([]member, 0, nodes.Len())
	for i := 0; i < nodes.Len(); i++ {
		ns := nodes.Index(i).Elem()
		node := ns.FieldByName("Node")
		state := int(ns.FieldByName("State").Int())
		name := "unknown"
		if state >= 0 && state < len(stateNames) {
			name = stateNames[state]
		}
		changed := ns.FieldByName("StateChange")
		age := int64(0)
		if changed.Type() == reflect.TypeOf(time.Time{}) {
			// time.Time's fields are private too; its wall/ext words are read through the address.
			t := *(*time.Time)(unsafe.Pointer(changed.UnsafeAddr()))
			age = now.Sub(t).Milliseconds()
		}
		out = append(out, member{
			Name:        node.FieldByName("Name").String(),
			Addr:        net.IP(node.FieldByName("Addr").Bytes()).String(),
			Port:        node.FieldByName("Port").Uint(),
			State:       name,
			Incarnation: ns.FieldByName("Incarnation").Uint(),
			Meta:        "",
			Encoding:    "utf8",
			StateAgeMs:  age,
		})
	}
	return out
}

func serveMembers(w http.ResponseWriter, m *memberlist.Memberlist) {
	w.Header().Set("content-type", "application/json")
	_ = json.NewEncoder(w).Encode(snapshot(m))
}

// watch turns state changes seen between snapshots into member events named as `gossip agent` names them.
func watch(m *memberlist.Memberlist, f *feed, every time.Duration) {
	last := map[string]member{}
	for range time.Tick(every) {
		seen := map[string]bool{}
		for _, cur := range snapshot(m) {
			seen[cur.Name] = true
			prev, known := last[cur.Name]
			last[cur.Name] = cur
			if known && prev.State == cur.State {
				if prev.Incarnation != cur.Incarnation {
					f.publish("update", cur)
				}
				continue
			}
			kind := cur.State
			switch {
			case cur.State == "alive" && known && prev.State == "suspect":
				kind = "alive"
			case cur.State == "alive":
				kind = "join"
			}
			f.publish(kind, cur)
		}
		for name := range last {
			if !seen[name] {
				delete(last, name) // reaped
			}
		}
	}
}
