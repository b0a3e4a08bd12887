package main

import (
	"bytes"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/hashicorp/memberlist"
)

const encryptMsg = 10 // memberlist's encryptMsg message type

// withNonce runs fn with crypto/rand.Reader yielding the given nonce (if any), which memberlist's encryptPayload
// reads for its 12 nonce bytes.
func withNonce(nonceHex string, fn func() error) error {
	if nonceHex == "" {
		return fn()
	}
	nonce, err := hex.DecodeString(nonceHex)
	if err != nil {
		return err
	}
	saved := crand.Reader
	crand.Reader = bytes.NewReader(nonce)
	defer func() { crand.Reader = saved }()
	return fn()
}

func decodeKeys(list []string) ([][]byte, error) {
	keys := make([][]byte, 0, len(list))
	for _, k := range list {
		key, err := hex.DecodeString(k)
		if err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	return keys, nil
}

func decodeAll(fields ...string) ([][]byte, error) {
	out := make([][]byte, len(fields))
	for i, f := range fields {
		b, err := hex.DecodeString(f)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func plaintextResponse(plain []byte) response {
	s := hex.EncodeToString(plain)
	return response{Ok: true, Plaintext: &s}
}

// memberlistEncrypt: the UDP path (rawSendMsgPacket → encryptPayload with AAD nil in v0.2.2, label bytes in HEAD).
func memberlistEncrypt(req request) response {
	b, err := decodeAll(req.Key, req.Plaintext, req.Aad)
	if err != nil {
		return failure(err)
	}
	var aad []byte
	if len(b[2]) > 0 {
		aad = b[2]
	}
	var buf bytes.Buffer
	err = withNonce(req.Nonce, func() error { return encryptPayload(req.Vsn, b[0], b[1], aad, &buf) })
	if err != nil {
		return failure(err)
	}
	return response{Ok: true, Data: hex.EncodeToString(buf.Bytes())}
}

// memberlistDecrypt: the UDP path (ingestPacket → decryptPayload over all keys).
func memberlistDecrypt(req request) response {
	keys, err := decodeKeys(req.Keys)
	if err != nil {
		return failure(err)
	}
	b, err := decodeAll(req.Data, req.Aad)
	if err != nil {
		return failure(err)
	}
	var aad []byte
	if len(b[1]) > 0 {
		aad = b[1]
	}
	plain, err := decryptPayload(keys, b[0], aad)
	if err != nil {
		return failure(err)
	}
	return plaintextResponse(plain)
}

func configWith(keys [][]byte, vsn uint8) (*memberlist.Config, error) {
	conf := memberlist.DefaultLANConfig()
	conf.ProtocolVersion = 2
	if vsn == 0 {
		conf.ProtocolVersion = 1 // memberlist picks encryption version 0 only at protocol version 1
	}
	keyring, err := memberlist.NewKeyring(keys[1:], keys[0])
	if err != nil {
		return nil, err
	}
	conf.Keyring = keyring
	return conf, nil
}

// memberlistEncryptStream: without a label, v0.2.2's own encryptLocalState; with one, HEAD's layout (AAD = header
// + label) built around memberlist's encryptPayload, since v0.2.2 has no labels.
func memberlistEncryptStream(req request) response {
	b, err := decodeAll(req.Key, req.Plaintext, req.Label)
	if err != nil {
		return failure(err)
	}
	var out []byte
	err = withNonce(req.Nonce, func() error {
		if len(b[2]) == 0 {
			conf, err := configWith([][]byte{b[0]}, req.Vsn)
			if err != nil {
				return err
			}
			out, err = encryptLocalState(memberlistWithConfig(conf), b[1])
			return err
		}
		var buf bytes.Buffer
		buf.WriteByte(encryptMsg)
		var size [4]byte
		binary.BigEndian.PutUint32(size[:], uint32(encryptedLength(req.Vsn, len(b[1]))))
		buf.Write(size[:])
		aad := append(append([]byte{}, buf.Bytes()...), b[2]...)
		if err := encryptPayload(req.Vsn, b[0], b[1], aad, &buf); err != nil {
			return err
		}
		out = buf.Bytes()
		return nil
	})
	if err != nil {
		return failure(err)
	}
	return response{Ok: true, Data: hex.EncodeToString(out)}
}

// memberlistDecryptStream: readStream's path (first byte, then decryptRemoteState with its 20 MiB limit); with a
// label, HEAD's AAD around memberlist's decryptPayload.
func memberlistDecryptStream(req request) response {
	keys, err := decodeKeys(req.Keys)
	if err != nil || len(keys) == 0 {
		return failure(fmt.Errorf("bad keys: %v", err))
	}
	b, err := decodeAll(req.Data, req.Label)
	if err != nil {
		return failure(err)
	}
	frame := b[0]
	if len(frame) < 5 || frame[0] != encryptMsg {
		return failure(fmt.Errorf("not an encrypted stream frame"))
	}
	if len(b[1]) == 0 {
		conf, err := configWith(keys, 1)
		if err != nil {
			return failure(err)
		}
		plain, err := decryptRemoteState(memberlistWithConfig(conf), io.Reader(bytes.NewReader(frame[1:])))
		if err != nil {
			return failure(err)
		}
		return plaintextResponse(plain)
	}
	size := binary.BigEndian.Uint32(frame[1:5])
	if size > 20*1024*1024 || int(size) != len(frame)-5 {
		return failure(fmt.Errorf("bad stream frame length %d", size))
	}
	aad := append(append([]byte{}, frame[:5]...), b[1]...)
	plain, err := decryptPayload(keys, frame[5:], aad)
	if err != nil {
		return failure(err)
	}
	return plaintextResponse(plain)
}
