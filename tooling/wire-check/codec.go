package main

// The codec paths memberlist uses: encode/decode with a fresh zero-value MsgpackHandle per call (util.go),
// compound framing, and compress/lzw LSB with literal width 8.

import (
	"bytes"
	"compress/lzw"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/hashicorp/go-msgpack/codec"
)

func decode(buf []byte, out interface{}) error {
	r := bytes.NewReader(buf)
	hd := codec.MsgpackHandle{}
	dec := codec.NewDecoder(r, &hd)
	return dec.Decode(out)
}

func encode(msgType uint8, in interface{}) (*bytes.Buffer, error) {
	buf := bytes.NewBuffer(nil)
	buf.WriteByte(msgType)
	hd := codec.MsgpackHandle{}
	enc := codec.NewEncoder(buf, &hd)
	err := enc.Encode(in)
	return buf, err
}

func makeCompoundMessage(msgs [][]byte) *bytes.Buffer {
	buf := bytes.NewBuffer(nil)
	buf.WriteByte(uint8(compoundMsg))
	buf.WriteByte(uint8(len(msgs)))
	for _, m := range msgs {
		binary.Write(buf, binary.BigEndian, uint16(len(m)))
	}
	for _, m := range msgs {
		buf.Write(m)
	}
	return buf
}

// decodeCompoundMessage takes the compound body (after the type byte), like memberlist's.
func decodeCompoundMessage(buf []byte) (trunc int, parts [][]byte, err error) {
	if len(buf) < 1 {
		err = fmt.Errorf("missing compound length byte")
		return
	}
	numParts := int(buf[0])
	buf = buf[1:]
	if len(buf) < numParts*2 {
		err = fmt.Errorf("truncated len slice")
		return
	}
	lengths := make([]uint16, numParts)
	for i := 0; i < numParts; i++ {
		lengths[i] = binary.BigEndian.Uint16(buf[i*2 : i*2+2])
	}
	buf = buf[numParts*2:]
	for idx, msgLen := range lengths {
		if len(buf) < int(msgLen) {
			trunc = numParts - idx
			return
		}
		parts = append(parts, buf[:msgLen])
		buf = buf[msgLen:]
	}
	return
}

func lzwCompress(inp []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := lzw.NewWriter(&buf, lzw.LSB, 8)
	if _, err := w.Write(inp); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func lzwDecompress(inp []byte) ([]byte, error) {
	r := lzw.NewReader(bytes.NewReader(inp), lzw.LSB, 8)
	defer r.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// compressPayload is memberlist's: LZW then a msgpack compress{} message.
func compressPayload(inp []byte) (*bytes.Buffer, error) {
	c, err := lzwCompress(inp)
	if err != nil {
		return nil, err
	}
	return encode(compressMsg, &compress{Algo: 0, Buf: c})
}

func decompressPayload(msg []byte) ([]byte, error) {
	var c compress
	if err := decode(msg, &c); err != nil {
		return nil, err
	}
	if c.Algo != 0 {
		return nil, fmt.Errorf("Cannot decompress unknown algorithm %d", c.Algo)
	}
	return lzwDecompress(c.Buf)
}
