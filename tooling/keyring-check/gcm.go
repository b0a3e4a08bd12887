package main

// An independent implementation of the encrypted payload layout with Go's crypto/aes + crypto/cipher, for the
// label-as-AAD case that memberlist v0.2.2 cannot produce itself (HEAD: AAD = label bytes on UDP).

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"fmt"
)

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func gcmSeal(req request) response {
	b, err := decodeAll(req.Key, req.Plaintext, req.Aad, req.Nonce)
	if err != nil {
		return failure(err)
	}
	key, plain, aad, nonce := b[0], b[1], b[2], b[3]
	if len(nonce) != 12 || req.Vsn > 1 {
		return failure(fmt.Errorf("gcmSeal needs a 12-byte nonce and vsn 0 or 1"))
	}
	aead, err := newGCM(key)
	if err != nil {
		return failure(err)
	}
	if req.Vsn == 0 {
		pad := 16 - len(plain)%16
		for i := 0; i < pad; i++ {
			plain = append(plain, byte(pad))
		}
	}
	out := append([]byte{req.Vsn}, nonce...)
	out = aead.Seal(out, nonce, plain, aad)
	return response{Ok: true, Data: hex.EncodeToString(out)}
}

func gcmOpen(req request) response {
	keys, err := decodeKeys(req.Keys)
	if err != nil {
		return failure(err)
	}
	b, err := decodeAll(req.Data, req.Aad)
	if err != nil {
		return failure(err)
	}
	data, aad := b[0], b[1]
	if len(data) < 1 || data[0] > 1 {
		return failure(fmt.Errorf("bad version"))
	}
	minimum := 29
	if data[0] == 0 {
		minimum = 45
	}
	if len(data) < minimum {
		return failure(fmt.Errorf("too short"))
	}
	for _, key := range keys {
		aead, err := newGCM(key)
		if err != nil {
			return failure(err)
		}
		plain, err := aead.Open(nil, data[1:13], data[13:], aad)
		if err != nil {
			continue
		}
		if data[0] == 0 {
			pad := int(plain[len(plain)-1])
			if pad > len(plain) {
				return failure(fmt.Errorf("bad padding"))
			}
			plain = plain[:len(plain)-pad]
		}
		return plaintextResponse(plain)
	}
	return failure(fmt.Errorf("no key could decrypt"))
}
