package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

type event struct {
	ID     int64  `json:"id"`
	Time   int64  `json:"time"`
	Kind   string `json:"kind"`
	Type   string `json:"type"`
	Member member `json:"member"`
}

// feed keeps a bounded history of member events and fans them out to `GET /events` streams.
type feed struct {
	mu       sync.Mutex
	capacity int
	next     int64
	history  []event
	subs     map[chan event]struct{}
}

func newFeed(capacity int) *feed {
	return &feed{capacity: capacity, next: 1, subs: map[chan event]struct{}{}}
}

func (f *feed) publish(kind string, m member) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := event{ID: f.next, Time: time.Now().UnixMilli(), Kind: "member", Type: kind, Member: m}
	f.next++
	f.history = append(f.history, e)
	if len(f.history) > f.capacity {
		f.history = f.history[1:]
	}
	for ch := range f.subs {
		select {
		case ch <- e:
		default: // a stuck reader loses events rather than stalling the node
		}
	}
}

func frame(w http.ResponseWriter, e event) {
	data, _ := json.Marshal(e)
	fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Kind, data)
}

// serve replays the history after Last-Event-ID, then streams live events until the client goes away.
func (f *feed) serve(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	after, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	w.Header().Set("content-type", "text/event-stream; charset=utf-8")
	w.Header().Set("cache-control", "no-store")
	ch := make(chan event, 1024)
	f.mu.Lock()
	fmt.Fprint(w, "retry: 1000\n\n")
	for _, e := range f.history {
		if e.ID > after {
			frame(w, e)
		}
	}
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	flusher.Flush()
	defer func() {
		f.mu.Lock()
		delete(f.subs, ch)
		f.mu.Unlock()
	}()
	for {
		select {
		case e := <-ch:
			frame(w, e)
			flusher.Flush()
		case <-r.Context().Done():
			return
		}
	}
}
