package lua51

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// FormatNumber writes a number as Lua 5.1 does (LUAI_NUMFFORMAT, "%.14g"):
// 0.1+0.2 is "0.3", 1e15 is "1e+15", 2^53 is "9.007199254741e+15".
func FormatNumber(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e14 {
		if f == 0 && math.Signbit(f) {
			return "-0"
		}
		return strconv.FormatInt(int64(f), 10)
	}
	return formatG(f, 14, false, false)
}

// formatG is C's %.<prec>g (upper for %G; alt for the # flag, which keeps
// trailing zeros).
func formatG(f float64, prec int, upper, alt bool) string {
	if prec == 0 {
		prec = 1
	}
	// The exponent C would use with %e at this precision.
	e := strconv.FormatFloat(f, 'e', prec-1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	var s string
	if exp < -4 || exp >= prec {
		if !alt {
			mant = trimZeros(mant)
		}
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		es := strconv.Itoa(exp)
		if len(es) < 2 {
			es = "0" + es
		}
		s = mant + "e" + sign + es
	} else {
		s = strconv.FormatFloat(f, 'f', prec-1-exp, 64)
		if !alt {
			s = trimZeros(s)
		}
	}
	if upper {
		s = strings.ToUpper(s)
	}
	return s
}

// trimZeros drops the trailing zeros of a fraction, and its point.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// ParseNumber converts a string to a number as Lua 5.1 does (luaO_str2d
// over C's strtod): decimal with an optional exponent, hexadecimal
// ("0x1F", and hexadecimal floats "0x1p4"), "inf" and "nan", surrounded by
// optional white space.
func ParseNumber(s string) (float64, bool) {
	s = trimSpace(s)
	if s == "" || strings.ContainsRune(s, '_') {
		return 0, false
	}
	body := strings.TrimLeft(s, "+-")
	sign := s[:len(s)-len(body)]
	if len(sign) > 1 {
		return 0, false
	}
	if len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') && !strings.ContainsAny(body, "pP") {
		// strtod reads a hexadecimal numeral without exponent, rounding
		// one past 2^64 (0xffffffffffffffffff) as a float; Go's
		// ParseFloat wants the exponent.
		s = sign + body + "p0"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return f, true
}

// ParseInteger is tonumber(s, base) for a base other than 10: C's strtoul
// over the whole string, white space around it allowed, and a minus sign
// negating the number (Lua 5.1's strtoul gives 2^64 less it on 64-bit
// systems; the official test suite and Lua 5.2 expect the negative).
func ParseInteger(s string, base int) (float64, bool) {
	s = trimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if base == 16 && len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if s == "" {
		return 0, false
	}
	var n uint64
	overflow := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'z':
			d = int(c-'a') + 10
		case c >= 'A' && c <= 'Z':
			d = int(c-'A') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		hi, lo := bitsMulAdd(n, uint64(base), uint64(d))
		if hi != 0 {
			overflow = true
		}
		n = lo
	}
	if overflow {
		n = math.MaxUint64
	}
	if neg {
		return -float64(n), true // C's strtoul would wrap around 2^64 (Lua 5.2 negates, as here)
	}
	return float64(n), true
}

// bitsMulAdd is n*base+d as a 128-bit result.
func bitsMulAdd(n, base, d uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(n, base)
	var carry uint64
	lo, carry = bits.Add64(lo, d, 0)
	return hi + carry, lo
}
