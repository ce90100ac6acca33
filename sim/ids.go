package sim

import (
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"time"
)

// ids generates every identifier the simulator hands out from one seeded
// source, so that a run with the same seed and the same requests gives the
// same identifiers. It is used under the Server's mutex.
type ids struct {
	rng      *rand.Rand
	lastMS   uint64
	lastRand [10]byte
}

func newIDs(seed int64) *ids {
	return &ids{rng: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))}
}

func (g *ids) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rng.UintN(256))
	}
	return b
}

// hex returns n random lower-case hex digits.
func (g *ids) hex(n int) string {
	return hex.EncodeToString(g.bytes((n + 1) / 2))[:n]
}

// machineID returns a 14-hex-digit machine id, like the real API's.
func (g *ids) machineID() string { return g.hex(14) }

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ulid returns a 26-character ULID for t: 48 bits of milliseconds and 80
// random bits, monotonic within one millisecond (the random part is
// incremented), so that ULIDs made in order sort in order even when a fake
// clock stands still.
//
// It draws ten bytes every time, whether it uses them or not: how many
// identifiers fall in one millisecond depends on the machine's speed, and
// the identifiers made after must not (the same seed and requests give the
// same machine and volume ids on a loaded machine as on an idle one).
func (g *ids) ulid(t time.Time) string {
	ms := uint64(t.UnixMilli())
	fresh := g.bytes(10)
	if ms <= g.lastMS {
		ms = g.lastMS
		for i := 9; i >= 0; i-- {
			g.lastRand[i]++
			if g.lastRand[i] != 0 {
				break
			}
		}
	} else {
		copy(g.lastRand[:], fresh)
		g.lastMS = ms
	}
	var b [16]byte
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	copy(b[6:], g.lastRand[:])
	// 128 bits as 26 base32 digits: the first digit holds the top 3 bits.
	var out [26]byte
	var acc uint64
	bits := 2 // 130 bits of output for 128 of input: pad 2 zero bits on top
	j := 0
	for _, x := range b {
		acc = acc<<8 | uint64(x)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out[j] = crockford[(acc>>uint(bits))&31]
			j++
		}
	}
	return string(out[:])
}

var nameAdjectives = []string{
	"ancient", "autumn", "billowing", "bitter", "black", "blue", "bold", "broad",
	"calm", "cold", "cool", "crimson", "damp", "dark", "dawn", "delicate",
	"divine", "dry", "empty", "falling", "floral", "fragrant", "frosty", "green",
	"hidden", "holy", "icy", "late", "lingering", "little", "lively", "long",
	"misty", "morning", "muddy", "nameless", "old", "patient", "polished", "proud",
	"purple", "quiet", "red", "restless", "rough", "shy", "silent", "small",
	"snowy", "solitary", "sparkling", "spring", "still", "summer", "twilight", "wandering",
	"weathered", "white", "wild", "winter", "wispy", "withered", "young",
}

var nameNouns = []string{
	"bird", "breeze", "brook", "bush", "butterfly", "cherry", "cloud", "darkness",
	"dawn", "dew", "dream", "dust", "feather", "field", "fire", "firefly",
	"flower", "fog", "forest", "frog", "frost", "glade", "glitter", "grass",
	"haze", "hill", "lake", "leaf", "meadow", "moon", "morning", "mountain",
	"night", "paper", "pine", "pond", "rain", "resonance", "river", "sea",
	"shadow", "shape", "silence", "sky", "smoke", "snow", "snowflake", "sound",
	"star", "sun", "sunset", "surf", "thunder", "tree", "violet", "voice",
	"water", "waterfall", "wave", "wildflower", "wind", "wood",
}

// machineName returns a name like the real API's generated ones:
// "quiet-river-1234".
func (g *ids) machineName() string {
	a := nameAdjectives[g.rng.IntN(len(nameAdjectives))]
	n := nameNouns[g.rng.IntN(len(nameNouns))]
	return a + "-" + n + "-" + strconv.Itoa(1000+g.rng.IntN(9000))
}

// alnum returns n random characters of [a-z0-9].
func (g *ids) alnum(n int) string {
	const set = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.rng.IntN(len(set))]
	}
	return string(b)
}
