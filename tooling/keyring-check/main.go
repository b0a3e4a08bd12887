// keyring-check drives memberlist v0.2.2's own encryption code for @gossip/keyring's interop tests and benchmark.
//
// Protocol: one JSON request per stdin line, one JSON response per stdout line, in order. Bytes are hex.
//
//	{"op":"encrypt","vsn":1,"key":"..","plaintext":"..","aad":"..","nonce":".."}  -> {"ok":true,"data":".."}
//	{"op":"decrypt","keys":[".."],"data":"..","aad":".."}                          -> {"ok":true,"plaintext":".."}
//	{"op":"encryptStream","vsn":1,"key":"..","plaintext":"..","label":"..","nonce":".."} -> {"ok":true,"data":".."}
//	{"op":"decryptStream","keys":[".."],"data":"..","label":".."}                 -> {"ok":true,"plaintext":".."}
//	{"op":"gcmSeal",...} / {"op":"gcmOpen",...}: same as encrypt/decrypt but with Go's crypto/aes + crypto/cipher
//	  directly (memberlist HEAD's label-as-AAD layout, independent of memberlist's code)
//	{"op":"bench","keySize":16,"size":1400,"vsn":1,"iterations":20000}            -> {"ok":true,"encryptNs":..,"decryptNs":..}
//
// Failures answer {"ok":false,"error":".."}; a panic in memberlist answers {"ok":false,"error":"panic: .."}. A fixed nonce is injected by swapping crypto/rand.Reader, which
// memberlist reads at each call.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

type request struct {
	Op         string   `json:"op"`
	Vsn        uint8    `json:"vsn"`
	Key        string   `json:"key"`
	Keys       []string `json:"keys"`
	Plaintext  string   `json:"plaintext"`
	Data       string   `json:"data"`
	Aad        string   `json:"aad"`
	Label      string   `json:"label"`
	Nonce      string   `json:"nonce"`
	KeySize    int      `json:"keySize"`
	Size       int      `json:"size"`
	Iterations int      `json:"iterations"`
}

type response struct {
	Ok        bool    `json:"ok"`
	Error     string  `json:"error,omitempty"`
	Data      string  `json:"data,omitempty"`
	Plaintext *string `json:"plaintext,omitempty"`
	EncryptNs float64 `json:"encryptNs,omitempty"`
	DecryptNs float64 `json:"decryptNs,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 256<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		var res response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			res = failure(fmt.Errorf("bad request: %v", err))
		} else {
			res = handle(req)
		}
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, "keyring-check:", err)
			os.Exit(1)
		}
		if err := out.Flush(); err != nil {
			os.Exit(1)
		}
	}
}

// handle answers one request; a panic inside memberlist (e.g. pkcs7decode on a hostile version-0 payload) is
// reported as {"ok":false,"error":"panic: ..."} so the caller can observe it.
func handle(req request) (res response) {
	defer func() {
		if r := recover(); r != nil {
			res = failure(fmt.Errorf("panic: %v", r))
		}
	}()
	switch req.Op {
	case "encrypt":
		return memberlistEncrypt(req)
	case "decrypt":
		return memberlistDecrypt(req)
	case "encryptStream":
		return memberlistEncryptStream(req)
	case "decryptStream":
		return memberlistDecryptStream(req)
	case "gcmSeal":
		return gcmSeal(req)
	case "gcmOpen":
		return gcmOpen(req)
	case "bench":
		return bench(req)
	default:
		return failure(fmt.Errorf("unknown op %q", req.Op))
	}
}

func failure(err error) response { return response{Ok: false, Error: err.Error()} }
