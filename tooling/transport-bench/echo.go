package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// echo serves interop tests: it prints {"port":N} and then
//   - answers every datagram by sending it back to the datagram's source address; a datagram "dial-me" is
//     answered instead by dialing a TCP stream to that same address (which only works if the peer listens for
//     TCP on its UDP port, as memberlist requires) and writing "hello from go";
//   - answers every stream by reading a 4-byte big-endian length and that many bytes, writing them back, and
//     closing.
//
// It exits when stdin closes.
func echo() {
	t := newTransport()
	defer t.Shutdown()
	fmt.Printf("{\"port\":%d}\n", t.GetAutoBindPort())
	go func() {
		for p := range t.PacketCh() {
			from := p.From.String()
			if string(p.Buf) == "dial-me" {
				go func() {
					conn, err := t.DialTimeout(from, 5*time.Second)
					if err != nil {
						fmt.Fprintln(os.Stderr, "dial back:", err)
						return
					}
					conn.Write([]byte("hello from go"))
					conn.Close()
				}()
				continue
			}
			t.WriteTo(p.Buf, from)
		}
	}()
	go func() {
		for conn := range t.StreamCh() {
			go func(c net.Conn) {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				var size [4]byte
				if _, err := io.ReadFull(c, size[:]); err != nil {
					return
				}
				body := make([]byte, binary.BigEndian.Uint32(size[:]))
				if _, err := io.ReadFull(c, body); err != nil {
					return
				}
				c.Write(body)
			}(conn)
		}
	}()
	io.Copy(io.Discard, os.Stdin)
}
