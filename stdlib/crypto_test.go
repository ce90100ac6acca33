package stdlib_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

func TestCryptoRandom(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	h := v.eval(t, `crypto.random_hex(32)`).String()
	assert.Regexp(t, `^[0-9a-f]{64}$`, h)
	assert.NotEqual(t, h, v.eval(t, `crypto.random_hex(32)`).String(), "two draws differ")
	assert.Equal(t, lua.LNumber(16), v.eval(t, `#crypto.random_bytes(16)`))
	assert.Equal(t, lua.LTrue, v.eval(t, `crypto.random_bytes(1000) ~= crypto.random_bytes(1000)`))
	assert.Contains(t, v.fails(t, `crypto.random_hex(0)`), "crypto.random_hex: bad argument #1 (a whole number of bytes from 1 to 1048576 expected, got 0)")
	assert.Contains(t, v.fails(t, `crypto.random_bytes(1.5)`), "got 1.5")
	assert.Contains(t, v.fails(t, `crypto.random_bytes(1e12)`), "a whole number of bytes")
	assert.Contains(t, v.fails(t, `crypto.random_hex("32")`), "number expected, got string")
}

func TestCryptoDigests(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	// Known answers: FIPS 180-2 "abc", RFC 4231 test case 2.
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", v.eval(t, `crypto.sha256_hex("abc")`).String())
	assert.Equal(t, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		v.eval(t, `crypto.hmac_sha256_hex("Jefe", "what do ya want for nothing?")`).String())
	assert.Contains(t, v.fails(t, `crypto.sha256_hex(nil)`), "string expected, got nil")
}

func TestBase64AndHex(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	assert.Equal(t, "Zm9vYg==", v.eval(t, `base64.encode("foob")`).String())
	assert.Equal(t, "foob", v.eval(t, `base64.decode("Zm9vYg==")`).String())
	assert.Equal(t, "foob", v.eval(t, `base64.decode("Zm9vYg")`).String(), "padding may be left out")
	assert.Equal(t, "\xfb\xff", v.eval(t, `base64.decode("-_8")`).String(), "URL-safe alphabet")
	assert.Equal(t, lua.LTrue, v.eval(t, `(function() local s = crypto.random_bytes(200) return base64.decode(base64.encode(s)) == s end)()`))
	assert.Contains(t, v.fails(t, `base64.decode("no!")`), "base64.decode: invalid base64")
	assert.Equal(t, "00ff41", v.eval(t, `hex.encode("\0\255A")`).String())
	assert.Equal(t, "\x00\xffA", v.eval(t, `hex.decode("00FF41")`).String())
	assert.Contains(t, v.fails(t, `hex.decode("abc")`), "hex.decode: invalid hex")
	assert.Contains(t, v.fails(t, `hex.decode("zz")`), "hex.decode: invalid hex")
}

func TestTimeReadsMillisecondTimestamps(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	v := newVM(t, stdlib.Config{Now: func() time.Time { return at }})
	ms := at.Add(-90 * time.Second).UnixMilli() // as MachineEvent.timestamp gives it
	v.L.SetGlobal("ts", lua.LNumber(ms))
	assert.Equal(t, lua.LNumber(90), v.eval(t, `time.since(ts)`))
	assert.Equal(t, lua.LNumber(90), v.eval(t, `time.since(ts / 1000)`), "seconds still work")
	assert.Equal(t, "2026-03-01T08:58:30Z", v.eval(t, `time.format(ts)`).String())
	assert.Equal(t, "2026-03-01T08:58:30.25Z", v.eval(t, `time.format(ts + 250, "rfc3339nano")`).String())
	assert.Equal(t, "5138-11-16T09:46:39Z", v.eval(t, `time.format(1e11 - 1)`).String(), "just below the threshold is seconds")
	assert.Equal(t, "1973-03-03T09:46:40Z", v.eval(t, `time.format(1e11)`).String(), "from the threshold on, milliseconds")
	assert.Contains(t, v.fails(t, `time.format(1e300)`), "out of range")
}

// TestEncodingsStayInTheBudget: with Config.Room, the functions that build
// a result at once from a large string refuse one that the budget has no
// room for; json.encode too, and inspect shows what fits.
func TestEncodingsStayInTheBudget(t *testing.T) {
	v := newVM(t, stdlib.Config{Room: func() int64 { return 1 << 20 }})
	v.L.SetGlobal("big", lua.LString(strings.Repeat("x", 600<<10)))
	assert.Contains(t, v.fails(t, `hex.encode(big)`), "hex.encode: the result would take 1.8 MiB, more than the 1 MiB left of the run's memory budget")
	assert.Contains(t, v.fails(t, `base64.encode(big)`), "base64.encode: the result would take")
	assert.Contains(t, v.fails(t, `json.encode({big})`), "json.encode: the JSON would take more than the 1 MiB left of the run's memory budget")
	assert.Equal(t, "{ <string of 614400 bytes> }", v.eval(t, `inspect({big})`).String())
	assert.Equal(t, lua.LNumber(12), v.eval(t, `#hex.encode("abcd") + #base64.encode("ab")`), "small results are built")
	unlimited := newVM(t, stdlib.Config{Room: func() int64 { return -1 }})
	unlimited.L.SetGlobal("big", lua.LString(strings.Repeat("x", 600<<10)))
	assert.Equal(t, lua.LNumber(1200<<10), unlimited.eval(t, `#hex.encode(big)`), "no budget: no limit")
}
