package lua51

import (
	"math"
	"strconv"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// The source pass: what Lua 5.1 reads and gopher-lua's lexer does not is
// written, before parsing, in a form gopher-lua's lexer reads alike,
// without changing a line break (so every line number stays):
//
//   - a hexadecimal numeral with a binary exponent (0x1p4: C Lua reads
//     numerals with C's strtod, which reads it; gopher-lua's lexer stops
//     at the p) becomes its value in decimal.
//
// The pass runs only on chunks that have such a thing (a quick look at
// the bytes first), and reads them with luadiag's Lua 5.1 lexer; a chunk
// with a lexical error is left as it is (its syntax error is found
// later, in the source as given).

// prepareSource returns src with the changes above, or src itself when
// there is nothing to change.
func prepareSource(src []byte) []byte {
	if !hasHexExponent(src) {
		return src
	}
	var out []byte
	last := 0
	ok := luadiag.Lexemes(src, func(lx luadiag.Lexeme) {
		text := string(src[lx.Start:lx.End])
		if !lx.Numeral || !hasHexExponent(src[lx.Start:lx.End]) {
			return
		}
		f, valid := ParseNumber(text)
		if !valid {
			return
		}
		out = append(out, src[last:lx.Start]...)
		out = append(out, decimalNumeral(f)...)
		last = lx.End
	})
	if !ok || out == nil {
		return src
	}
	return append(out, src[last:]...)
}

// decimalNumeral writes f (not negative) as a numeral gopher-lua's lexer
// reads: the shortest decimal that converts back to f, or 1e999 for
// infinity (which rewriteExpr makes infinity, see gopherNumber).
func decimalNumeral(f float64) string {
	if math.IsInf(f, 1) {
		return "1e999"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// hasHexExponent reports whether b has a hexadecimal numeral followed by a
// binary exponent ("0x1p4", "0XAP10") anywhere, in a string or a comment
// too.
func hasHexExponent(b []byte) bool {
	for i := 0; i+3 < len(b); i++ {
		if b[i] != '0' || b[i+1]|0x20 != 'x' {
			continue
		}
		j := i + 2
		for j < len(b) && isHexDigit(b[j]) {
			j++
		}
		if j > i+2 && j+1 < len(b) && b[j]|0x20 == 'p' && '0' <= b[j+1] && b[j+1] <= '9' {
			return true
		}
	}
	return false
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

// gopherNumber is the value gopher-lua's compiler gives a numeral: an
// integer (strconv.ParseInt, base from its prefix) or a float
// (strconv.ParseFloat), and NaN for anything else (1e999, a hexadecimal
// integer past 2^63).
func gopherNumber(text string) float64 {
	if n, err := strconv.ParseInt(text, 0, 64); err == nil {
		return float64(n)
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return f
	}
	return math.NaN()
}
