package lua51

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// openString replaces string.format, string.char, string.byte,
// string.sub, string.rep, string.lower and string.upper
// (stdlib/luapattern has put Lua 5.1's find, match, gmatch and gsub in).
func (o *opener) openString() {
	if str, ok := o.lib("string"); ok {
		o.replace(str, map[string]lua.LGFunction{
			"format": strFormat, "char": strChar, "byte": strByte, "sub": strSub, "rep": strRep,
			"lower": func(L *lua.LState) int { return strCase(L, 'A', 'Z', 'a'-'A') },
			"upper": func(L *lua.LState) int { return strCase(L, 'a', 'z', 'A'-'a') },
		})
	}
}

// strSub is string.sub(s, i [, j]): s[i..j] (j default -1, negative
// counting from the end), i and j numbers or strings holding numbers.
func strSub(L *lua.LState) int {
	s := checkFormatString(L, 1)
	n := int64(len(s))
	i := checkInt(L, 2)
	j := optInt(L, 3, -1)
	if i < 0 {
		i = max(i+n+1, 0)
	}
	if j < 0 {
		j = max(j+n+1, 0)
	}
	i, j = max(i, 1), min(j, n)
	if i > j {
		L.Push(lua.LString(""))
		return 1
	}
	L.Push(lua.LString(s[i-1 : j]))
	return 1
}

// strCase is string.lower and string.upper as C's tolower and toupper in
// the C locale: the bytes from lo to hi moved by delta, every other byte
// (those of UTF-8 letters too) as it is. (gopher-lua's are Unicode's.)
func strCase(L *lua.LState, lo, hi byte, delta int) int {
	s := []byte(checkFormatString(L, 1))
	for i, c := range s {
		if lo <= c && c <= hi {
			s[i] = byte(int(c) + delta)
		}
	}
	L.Push(lua.LString(s))
	return 1
}

// strRep is string.rep(s, n): n copies of s, n a C int (a number or a
// string holding one); what follows n is ignored (Lua 5.2's separator is
// not Lua 5.1's).
func strRep(L *lua.LState) int {
	s := checkFormatString(L, 1)
	n := cInt(checkInt(L, 2))
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	L.Push(lua.LString(strings.Repeat(s, int(n))))
	return 1
}

// strByte is string.byte(s [, i [, j]]): the codes of s[i..j] (i default
// 1, j default i, negative counting from the end), with Lua 5.1's error
// when there are too many.
func strByte(L *lua.LState) int {
	s := L.CheckString(1)
	n := int64(len(s))
	i := optInt(L, 2, 1)
	j := optInt(L, 3, i)
	if i < 0 {
		i += n + 1
	}
	if j < 0 {
		j += n + 1
	}
	i, j = max(i, 1), min(j, n)
	if i > j {
		return 0
	}
	if j-i >= maxResults {
		L.RaiseError("stack overflow (string slice too long)")
	}
	for k := i; k <= j; k++ {
		L.Push(lua.LNumber(s[k-1]))
	}
	return int(j - i + 1)
}

// strChar is string.char(...): every argument a byte's code (gopher-lua's
// keeps the low 8 bits of any number).
func strChar(L *lua.LState) int {
	b := make([]byte, L.GetTop())
	for i := range b {
		c := cInt(checkInt(L, i+1))
		if c < 0 || c > 255 {
			L.ArgError(i+1, "invalid value")
		}
		b[i] = byte(c)
	}
	L.Push(lua.LString(b))
	return 1
}

// strFormat is string.format(fmt, ...) as Lua 5.1 writes it: C's printf
// conversions %d %i %u %c %x %X %o %e %E %f %g %G, %q, %s and %%, with
// flags, width and precision, strings that hold numbers accepted for the
// numeric conversions, and an error for a missing or wrong argument or an
// unknown conversion.
func strFormat(L *lua.LState) int {
	format := L.CheckString(1)
	var b strings.Builder
	arg := 1
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			b.WriteByte('%')
			continue
		}
		// As in C Lua: the argument first, then the conversion, which
		// past the end of the format is C's terminating NUL.
		arg++
		if arg > L.GetTop() {
			L.ArgError(arg, "no value")
		}
		spec, next := scanSpec(L, format, i)
		i = next
		var conv byte
		if i < len(format) {
			conv = format[i]
		}
		if spec.prec >= 0 && strings.IndexByte("diuoxX", conv) >= 0 {
			spec.zero = false // C ignores the 0 flag of an integer with a precision
		}
		switch conv {
		case 'd', 'i':
			n := checkInt(L, arg)
			b.WriteString(spec.pad(spec.integer(absInt(n), n < 0, "")))
		case 'u':
			b.WriteString(spec.pad(spec.integer(strconv.FormatUint(uint64(checkInt(L, arg)), 10), false, "")))
		case 'o':
			digits := strconv.FormatUint(uint64(checkInt(L, arg)), 8)
			prefix := ""
			if spec.alt && digits[0] != '0' {
				prefix = "0"
			}
			b.WriteString(spec.pad(spec.integer(digits, false, prefix)))
		case 'x', 'X':
			n := uint64(checkInt(L, arg))
			digits := strconv.FormatUint(n, 16)
			prefix := ""
			if spec.alt && n != 0 {
				prefix = "0x"
			}
			s := spec.integer(digits, false, prefix)
			if conv == 'X' {
				s = strings.ToUpper(s)
			}
			b.WriteString(spec.pad(s))
		case 'c':
			n := checkInt(L, arg)
			s := ""
			if byte(n) != 0 { // C stops the piece at a NUL, as Lua 5.1's format does
				s = string([]byte{byte(n)})
			}
			sp := spec
			sp.zero = false
			b.WriteString(sp.pad(s))
		case 'e', 'E', 'f', 'g', 'G':
			b.WriteString(spec.pad(spec.float(checkNumber(L, arg), conv)))
		case 'q':
			b.WriteString(quote(checkFormatString(L, arg)))
		case 's':
			s := checkFormatString(L, arg)
			if spec.prec < 0 && len(s) >= 100 {
				b.WriteString(s) // Lua 5.1 adds long strings whole, without the width
				continue
			}
			if spec.prec >= 0 && len(s) > spec.prec {
				s = s[:spec.prec]
			}
			sp := spec
			sp.zero = false
			b.WriteString(sp.pad(s))
		default:
			option := string([]byte{conv})
			if conv == 0 {
				option = "" // %c of C's luaL_error writes a NUL as nothing
			}
			L.RaiseError("invalid option '%%%s' to 'format'", option)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// formatSpec is the part of a conversion between % and its letter.
type formatSpec struct {
	minus, plus, space, alt, zero bool
	width, prec                   int // prec < 0: none
}

// scanSpec reads flags, width and precision from format[i:], as Lua 5.1's
// scanformat does (at most 5 flags, 2 digits each), and returns the index
// of the conversion letter (len(format) when the format ends first).
func scanSpec(L *lua.LState, format string, i int) (formatSpec, int) {
	spec := formatSpec{prec: -1}
	start := i
	for i < len(format) && strings.IndexByte("-+ #0", format[i]) >= 0 {
		switch format[i] {
		case '-':
			spec.minus = true
		case '+':
			spec.plus = true
		case ' ':
			spec.space = true
		case '#':
			spec.alt = true
		case '0':
			spec.zero = true
		}
		i++
	}
	if i-start > 5 {
		L.RaiseError("invalid format (repeated flags)")
	}
	digits := func() int {
		n, d := 0, 0
		for i < len(format) && format[i] >= '0' && format[i] <= '9' {
			n = n*10 + int(format[i]-'0')
			i++
			d++
		}
		if d > 2 {
			L.RaiseError("invalid format (width or precision too long)")
		}
		return n
	}
	spec.width = digits()
	if i < len(format) && format[i] == '.' {
		i++
		spec.prec = digits()
	}
	return spec, i
}

// pad fills s to the width with spaces (or zeros after the sign and base
// prefix, for the 0 flag without -).
func (s formatSpec) pad(str string) string {
	n := s.width - len(str)
	if n <= 0 {
		return str
	}
	switch {
	case s.minus:
		return str + strings.Repeat(" ", n)
	case s.zero:
		head := 0
		if head < len(str) && strings.IndexByte("+- ", str[head]) >= 0 {
			head++
		}
		if len(str) > head+1 && str[head] == '0' && (str[head+1] == 'x' || str[head+1] == 'X') {
			head += 2
		}
		return str[:head] + strings.Repeat("0", n) + str[head:]
	}
	return strings.Repeat(" ", n) + str
}

// integer is the digits of an integer conversion with its sign, precision
// (minimum digits; the 0 flag is ignored with one) and prefix.
func (s formatSpec) integer(digits string, neg bool, prefix string) string {
	if s.prec >= 0 {
		if s.prec == 0 && digits == "0" {
			digits = ""
		}
		if len(digits) < s.prec {
			digits = strings.Repeat("0", s.prec-len(digits)) + digits
		}
		s.zero = false
	}
	return s.sign(neg) + prefix + digits
}

func (s formatSpec) sign(neg bool) string {
	switch {
	case neg:
		return "-"
	case s.plus:
		return "+"
	case s.space:
		return " "
	}
	return ""
}

// float is a floating-point conversion; infinities and NaN are written as
// C writes them ("inf", "-nan"), in capitals for %E and %G.
func (s formatSpec) float(f float64, conv byte) string {
	prec := s.prec
	if prec < 0 {
		prec = 6
	}
	neg := math.Signbit(f)
	var body string
	switch {
	case math.IsInf(f, 0):
		body = "inf"
	case math.IsNaN(f):
		body = "nan"
	case conv == 'g' || conv == 'G':
		body = formatG(math.Abs(f), prec, false, s.alt)
	default:
		verb := "%." + strconv.Itoa(prec)
		if s.alt {
			verb = "%#." + strconv.Itoa(prec)
		}
		body = fmt.Sprintf(verb+string(conv|0x20), math.Abs(f))
	}
	if conv == 'E' || conv == 'G' {
		body = strings.ToUpper(body)
	}
	return s.sign(neg) + body
}

// cInt is a C long cast to a C int (luaL_checkint, luaL_optint): its low
// 32 bits.
func cInt(n int64) int64 { return int64(int32(n)) }

// checkInt is luaL_checknumber cast to a C long, as %d and
// luaL_checkinteger take it: truncated, and on x86-64 (cvttsd2si) the
// "integer indefinite" 0x8000000000000000 for NaN and for what is out of
// range (string.format("%d", 1/0) is -9223372036854775808 in C Lua).
func checkInt(L *lua.LState, n int) int64 {
	f := checkNumber(L, n)
	if math.IsNaN(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return math.MinInt64
	}
	return int64(f)
}

func absInt(n int64) string {
	if n < 0 {
		return strconv.FormatUint(uint64(-n), 10)
	}
	return strconv.FormatInt(n, 10)
}

// OptInteger is luaL_optinteger: argument n as an integer (a number or a
// string holding one, truncated), def when it is nil or absent.
func OptInteger(L *lua.LState, n int, def int64) int64 { return optInt(L, n, def) }

// checkNumber is luaL_checknumber: a number, or a string holding one.
func checkNumber(L *lua.LState, n int) float64 {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		if f, ok := ParseNumber(string(v)); ok {
			return f
		}
	}
	argExpected(L, n, lua.LTNumber)
	return 0
}

// argExpected raises "bad argument #n (<type> expected, got <type>)", "got
// no value" past the last argument, as luaL_typerror does.
func argExpected(L *lua.LState, n int, want lua.LValueType) {
	got := "no value"
	if n <= L.GetTop() {
		got = L.Get(n).Type().String()
	}
	L.ArgError(n, want.String()+" expected, got "+got)
}

// checkFormatString is luaL_checklstring: a string, or a number written
// with "%.14g".
func checkFormatString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return FormatNumber(float64(v))
	}
	argExpected(L, n, lua.LTString)
	return ""
}

// quote is %q: the string between double quotes, with ", \, newline, \r
// and \0 escaped as Lua 5.1 escapes them.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\000`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
