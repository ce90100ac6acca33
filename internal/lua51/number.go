package lua51

import (
	"math"
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
