package main

// Throughput of memberlist's own encryptPayload + decryptPayload, measured the way the TS benchmark measures
// @gossip/keyring: fresh random nonce per message, primary key first.

import (
	"bytes"
	crand "crypto/rand"
	"fmt"
	"time"
)

func bench(req request) response {
	if req.Iterations <= 0 || req.Size < 0 || req.Vsn > 1 {
		return failure(fmt.Errorf("bench needs iterations > 0, size >= 0, vsn 0 or 1"))
	}
	key := make([]byte, req.KeySize)
	msg := make([]byte, req.Size)
	if _, err := crand.Read(key); err != nil {
		return failure(err)
	}
	if _, err := crand.Read(msg); err != nil {
		return failure(err)
	}
	keys := [][]byte{key}
	// Decryption cycles through the last sealedRing outputs, bounding memory for large payloads.
	const sealedRing = 64
	sealed := make([][]byte, sealedRing)

	start := time.Now()
	for i := 0; i < req.Iterations; i++ {
		var buf bytes.Buffer
		if err := encryptPayload(req.Vsn, key, msg, nil, &buf); err != nil {
			return failure(err)
		}
		sealed[i%sealedRing] = buf.Bytes()
	}
	encrypt := time.Since(start)

	start = time.Now()
	for i := 0; i < req.Iterations; i++ {
		data := sealed[i%sealedRing]
		if data == nil {
			data = sealed[0]
		}
		plain, err := decryptPayload(keys, data, nil)
		if err != nil || len(plain) != len(msg) {
			return failure(fmt.Errorf("round trip failed: %v", err))
		}
	}
	decrypt := time.Since(start)

	n := float64(req.Iterations)
	return response{Ok: true, EncryptNs: float64(encrypt.Nanoseconds()) / n, DecryptNs: float64(decrypt.Nanoseconds()) / n}
}
