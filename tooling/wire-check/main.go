// wire-check is the Go side of @gossip/wire's cross-checks. It speaks JSON lines on stdin/stdout: each request
// names an operation (encode, decode, compound, LZW, compress) done exactly as memberlist does it, with
// go-msgpack's zero-value MsgpackHandle and Go's compress/lzw. `wire-check bench` times the same work for the
// benchmark comparison (see bench.go).
package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/go-msgpack/codec"
)

type request struct {
	ID    int             `json:"id"`
	Op    string          `json:"op"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
	Hex   string          `json:"hex"`
	Parts []string        `json:"parts"`
}

type response struct {
	ID        int         `json:"id"`
	Hex       string      `json:"hex,omitempty"`
	Value     interface{} `json:"value,omitempty"`
	Parts     []string    `json:"parts,omitempty"`
	Truncated int         `json:"truncated"`
	Error     string      `json:"error,omitempty"`
}

// pushPull is the JSON shape of a whole push/pull stream message.
type pushPull struct {
	Header    pushPullHeader
	States    []pushNodeState
	UserState []byte
}

// userStream is the JSON shape of a stream user message.
type userStream struct {
	Header  userMsgHeader
	Payload []byte
}

var messageTypes = map[string]struct {
	code uint8
	make func() interface{}
}{
	"ping":     {pingMsg, func() interface{} { return &ping{} }},
	"indirect": {indirectPingMsg, func() interface{} { return &indirectPingReq{} }},
	"ack":      {ackRespMsg, func() interface{} { return &ackResp{} }},
	"nack":     {nackRespMsg, func() interface{} { return &nackResp{} }},
	"err":      {errMsg, func() interface{} { return &errResp{} }},
	"suspect":  {suspectMsg, func() interface{} { return &suspect{} }},
	"alive":    {aliveMsg, func() interface{} { return &alive{} }},
	"dead":     {deadMsg, func() interface{} { return &dead{} }},
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		runBench(os.Stdin, os.Stdout)
		return
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	dec := json.NewDecoder(in)
	enc := json.NewEncoder(out)
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if err != io.EOF {
				fmt.Fprintln(os.Stderr, "wire-check: bad request:", err)
				os.Exit(2)
			}
			out.Flush()
			return
		}
		resp := handle(&req)
		resp.ID = req.ID
		if err := enc.Encode(resp); err != nil {
			fmt.Fprintln(os.Stderr, "wire-check:", err)
			os.Exit(2)
		}
		out.Flush()
	}
}

func fail(err error) *response { return &response{Error: err.Error()} }

func handle(req *request) *response {
	input, err := hex.DecodeString(req.Hex)
	if err != nil {
		return fail(err)
	}
	switch req.Op {
	case "encode":
		return encodeOp(req)
	case "decode":
		return decodeOp(req.Type, input)
	case "compound_encode":
		parts := make([][]byte, len(req.Parts))
		for i, p := range req.Parts {
			if parts[i], err = hex.DecodeString(p); err != nil {
				return fail(err)
			}
		}
		return &response{Hex: hex.EncodeToString(makeCompoundMessage(parts).Bytes())}
	case "compound_decode":
		if len(input) < 1 || input[0] != compoundMsg {
			return fail(fmt.Errorf("not a compound message"))
		}
		trunc, parts, err := decodeCompoundMessage(input[1:])
		if err != nil {
			return fail(err)
		}
		r := &response{Truncated: trunc, Parts: []string{}}
		for _, p := range parts {
			r.Parts = append(r.Parts, hex.EncodeToString(p))
		}
		return r
	case "lzw_compress":
		b, err := lzwCompress(input)
		if err != nil {
			return fail(err)
		}
		return &response{Hex: hex.EncodeToString(b)}
	case "lzw_decompress":
		b, err := lzwDecompress(input)
		if err != nil {
			return fail(err)
		}
		return &response{Hex: hex.EncodeToString(b)}
	case "compress_encode":
		b, err := compressPayload(input)
		if err != nil {
			return fail(err)
		}
		return &response{Hex: hex.EncodeToString(b.Bytes())}
	case "compress_decode":
		if len(input) < 1 || input[0] != compressMsg {
			return fail(fmt.Errorf("not a compress message"))
		}
		b, err := decompressPayload(input[1:])
		if err != nil {
			return fail(err)
		}
		return &response{Hex: hex.EncodeToString(b)}
	}
	return fail(fmt.Errorf("unknown op %q", req.Op))
}

func encodeOp(req *request) *response {
	switch req.Type {
	case "pushPull":
		var pp pushPull
		if err := json.Unmarshal(req.Value, &pp); err != nil {
			return fail(err)
		}
		// As memberlist's sendLocalState: one encoder for header and states, then the raw user state.
		buf := bytes.NewBuffer(nil)
		buf.WriteByte(pushPullMsg)
		hd := codec.MsgpackHandle{}
		enc := codec.NewEncoder(buf, &hd)
		header := pushPullHeader{Nodes: len(pp.States), UserStateLen: len(pp.UserState), Join: pp.Header.Join}
		if err := enc.Encode(&header); err != nil {
			return fail(err)
		}
		for i := range pp.States {
			if err := enc.Encode(&pp.States[i]); err != nil {
				return fail(err)
			}
		}
		buf.Write(pp.UserState)
		return &response{Hex: hex.EncodeToString(buf.Bytes())}
	case "userStream":
		var us userStream
		if err := json.Unmarshal(req.Value, &us); err != nil {
			return fail(err)
		}
		// As memberlist's rawSendMsgStream path for SendReliable: header, then the payload.
		buf, err := encode(userMsg, &userMsgHeader{UserMsgLen: len(us.Payload)})
		if err != nil {
			return fail(err)
		}
		buf.Write(us.Payload)
		return &response{Hex: hex.EncodeToString(buf.Bytes())}
	}
	mt, ok := messageTypes[req.Type]
	if !ok {
		return fail(fmt.Errorf("unknown type %q", req.Type))
	}
	v := mt.make()
	if err := json.Unmarshal(req.Value, v); err != nil {
		return fail(err)
	}
	buf, err := encode(mt.code, v)
	if err != nil {
		return fail(err)
	}
	return &response{Hex: hex.EncodeToString(buf.Bytes())}
}

func decodeOp(typ string, input []byte) *response {
	if len(input) < 1 {
		return fail(fmt.Errorf("empty message"))
	}
	switch typ {
	case "pushPull":
		// As memberlist's readRemoteState, reading from one stream.
		r := bytes.NewReader(input[1:])
		hd := codec.MsgpackHandle{}
		dec := codec.NewDecoder(r, &hd)
		var pp pushPull
		if err := dec.Decode(&pp.Header); err != nil {
			return fail(err)
		}
		pp.States = make([]pushNodeState, pp.Header.Nodes)
		for i := range pp.States {
			if err := dec.Decode(&pp.States[i]); err != nil {
				return fail(err)
			}
		}
		pp.UserState = make([]byte, pp.Header.UserStateLen)
		if _, err := io.ReadFull(r, pp.UserState); err != nil {
			return fail(err)
		}
		return &response{Value: &pp}
	case "userStream":
		r := bytes.NewReader(input[1:])
		hd := codec.MsgpackHandle{}
		dec := codec.NewDecoder(r, &hd)
		var us userStream
		if err := dec.Decode(&us.Header); err != nil {
			return fail(err)
		}
		us.Payload = make([]byte, us.Header.UserMsgLen)
		if _, err := io.ReadFull(r, us.Payload); err != nil {
			return fail(err)
		}
		return &response{Value: &us}
	}
	mt, ok := messageTypes[typ]
	if !ok {
		return fail(fmt.Errorf("unknown type %q", typ))
	}
	if input[0] != mt.code {
		return fail(fmt.Errorf("type byte %d, want %d", input[0], mt.code))
	}
	v := mt.make()
	if err := decode(input[1:], v); err != nil {
		return fail(err)
	}
	return &response{Value: v}
}
