package stdlib

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// maxRandomBytes bounds crypto.random_bytes and crypto.random_hex: a secret
// is a few dozen bytes; a typo of a huge count must not exhaust memory.
const maxRandomBytes = 1 << 20

// cryptoFuncs is the crypto module: secure random bytes from the operating
// system (Go's crypto/rand), SHA-256 and HMAC-SHA-256. It is what a script
// generating secrets must use instead of math.random.
func (in *instance) cryptoFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"hmac_sha256_hex": in.cryptoHMAC,
		"random_bytes":    in.cryptoRandomBytes,
		"random_hex":      in.cryptoRandomHex,
		"sha256_hex":      in.cryptoSHA256,
	}
}

// checkCount reads argument 1 of random_bytes and random_hex: a whole
// number of bytes, 1 to maxRandomBytes.
func checkCount(L *lua.LState, name string) int {
	v, ok := L.Get(1).(lua.LNumber)
	if !ok {
		argError(L, name, 1, "number expected, got "+typeName(L.Get(1)))
	}
	n := float64(v)
	if n != float64(int64(n)) || n < 1 || n > maxRandomBytes {
		argError(L, name, 1, "a whole number of bytes from 1 to "+strconv.Itoa(maxRandomBytes)+" expected, got "+v.String())
	}
	return int(n)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+): it crashes the program instead
	return b
}

// crypto.random_bytes(n) -> a string of n secure random bytes
func (in *instance) cryptoRandomBytes(L *lua.LState) int {
	L.Push(lua.LString(randomBytes(checkCount(L, "crypto.random_bytes"))))
	return 1
}

// crypto.random_hex(n) -> n secure random bytes as 2n lowercase hex digits
func (in *instance) cryptoRandomHex(L *lua.LState) int {
	L.Push(lua.LString(hex.EncodeToString(randomBytes(checkCount(L, "crypto.random_hex")))))
	return 1
}

// crypto.sha256_hex(s) -> the SHA-256 of s as 64 hex digits
func (in *instance) cryptoSHA256(L *lua.LState) int {
	sum := sha256.Sum256([]byte(checkString(L, "crypto.sha256_hex", 1)))
	L.Push(lua.LString(hex.EncodeToString(sum[:])))
	return 1
}

// crypto.hmac_sha256_hex(key, s) -> the HMAC-SHA-256 of s under key, as hex
func (in *instance) cryptoHMAC(L *lua.LState) int {
	const name = "crypto.hmac_sha256_hex"
	key := checkString(L, name, 1)
	msg := checkString(L, name, 2)
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	L.Push(lua.LString(hex.EncodeToString(m.Sum(nil))))
	return 1
}

// base64Funcs is the base64 module: standard encoding with padding (RFC
// 4648 §4); decode also accepts the URL-safe alphabet and missing padding.
func (in *instance) base64Funcs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"decode": in.base64Decode,
		"encode": in.base64Encode,
	}
}

// base64.encode(s) -> s in standard base64, padded
func (in *instance) base64Encode(L *lua.LState) int {
	s := checkString(L, "base64.encode", 1)
	in.checkRoom(L, "base64.encode", len(s)+base64.StdEncoding.EncodedLen(len(s)))
	L.Push(lua.LString(base64.StdEncoding.EncodeToString([]byte(s))))
	return 1
}

// base64.decode(s) -> the bytes; raises on a string that is not base64
func (in *instance) base64Decode(L *lua.LState) int {
	const name = "base64.decode"
	s := checkString(L, name, 1)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			L.Push(lua.LString(b))
			return 1
		}
	}
	_, err := base64.StdEncoding.DecodeString(s)
	L.RaiseError("%s: invalid base64: %v", name, err)
	return 0
}

// hexFuncs is the hex module.
func (in *instance) hexFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"decode": in.hexDecode,
		"encode": in.hexEncode,
	}
}

// hex.encode(s) -> s as lowercase hex digits
func (in *instance) hexEncode(L *lua.LState) int {
	s := checkString(L, "hex.encode", 1)
	in.checkRoom(L, "hex.encode", len(s)+hex.EncodedLen(len(s)))
	L.Push(lua.LString(hex.EncodeToString([]byte(s))))
	return 1
}

// hex.decode(s) -> the bytes (either case); raises on a string that is not hex
func (in *instance) hexDecode(L *lua.LState) int {
	const name = "hex.decode"
	b, err := hex.DecodeString(checkString(L, name, 1))
	if err != nil {
		L.RaiseError("%s: invalid hex: %v", name, err)
	}
	L.Push(lua.LString(b))
	return 1
}
