package main

// Reaches memberlist v0.2.2's unexported encryption code so that the real implementation, not a re-implementation,
// encrypts and decrypts in this checker. Signatures mirror security.go and net.go of Debian's v0.2.2
// (encryptionVersion is a uint8 there; the linker does not see named types).

import (
	"bytes"
	"io"
	"reflect"
	"unsafe"

	"github.com/hashicorp/memberlist"
)

//go:linkname encryptPayload github.com/hashicorp/memberlist.encryptPayload
func encryptPayload(vsn uint8, key []byte, msg []byte, data []byte, dst *bytes.Buffer) error

//go:linkname decryptPayload github.com/hashicorp/memberlist.decryptPayload
func decryptPayload(keys [][]byte, msg []byte, data []byte) ([]byte, error)

//go:linkname encryptedLength github.com/hashicorp/memberlist.encryptedLength
func encryptedLength(vsn uint8, inp int) int

//go:linkname encryptLocalState github.com/hashicorp/memberlist.(*Memberlist).encryptLocalState
func encryptLocalState(m *memberlist.Memberlist, sendBuf []byte) ([]byte, error)

//go:linkname decryptRemoteState github.com/hashicorp/memberlist.(*Memberlist).decryptRemoteState
func decryptRemoteState(m *memberlist.Memberlist, bufConn io.Reader) ([]byte, error)

// memberlistWithConfig builds a Memberlist value whose only populated field is its config, enough for
// encryptLocalState / decryptRemoteState (they read Config.Keyring and Config.ProtocolVersion) without starting
// listeners or goroutines.
func memberlistWithConfig(conf *memberlist.Config) *memberlist.Memberlist {
	m := &memberlist.Memberlist{}
	field := reflect.ValueOf(m).Elem().FieldByName("config")
	reflect.NewAt(field.Type(), unsafe.Pointer(field.UnsafeAddr())).Elem().Set(reflect.ValueOf(conf))
	return m
}
