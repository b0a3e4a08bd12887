package main

// One JSON object per stdout line. Replies, events and memberlist callbacks come from many goroutines, so
// every line is written and flushed under one mutex: a reader never sees two lines interleaved.

import (
	"bufio"
	"encoding/json"
	"os"
	"sync"
)

type lineWriter struct {
	mu sync.Mutex
	w  *bufio.Writer
}

var stdout = &lineWriter{w: bufio.NewWriterSize(os.Stdout, 64*1024)}

func (l *lineWriter) write(v interface{}) {
	line, err := json.Marshal(v)
	if err != nil {
		line, _ = json.Marshal(map[string]string{"event": "error", "error": "encoding: " + err.Error()})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(line)
	_ = l.w.WriteByte('\n')
	_ = l.w.Flush()
}

// emit writes an asynchronous event line: {"event": kind, ...fields}.
func emit(kind string, fields map[string]interface{}) {
	if fields == nil {
		fields = map[string]interface{}{}
	}
	fields["event"] = kind
	stdout.write(fields)
}

// reply is the answer to one command, matched by id.
type reply struct {
	ID     json.RawMessage `json:"id"`
	OK     bool            `json:"ok"`
	Result interface{}     `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
}
