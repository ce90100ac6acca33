package stdlib

// Func describes one Lua function of the host modules, for the REPL's help
// and completion and for the generated editor definitions.
type Func struct {
	Name    string  // qualified: "json.encode"; globals bare: "inspect"
	Params  []Param // in order
	Returns []Param // Name may be empty
	Doc     string  // one line
}

// Param is one parameter or return value. Type is in LuaLS syntax
// ("string", "number|string", "table?" is written with Optional instead).
type Param struct {
	Name     string
	Type     string
	Optional bool
}

// Value describes a non-function field of a host module.
type Value struct {
	Name string // "json.null"
	Type string
	Doc  string
}

// Funcs lists every function Open registers, sorted by name. A test holds
// it against the functions actually registered.
func Funcs() []Func {
	opt := func(name, typ string) Param { return Param{Name: name, Type: typ, Optional: true} }
	req := func(name, typ string) Param { return Param{Name: name, Type: typ} }
	ret := func(typ string) []Param { return []Param{{Type: typ}} }
	logFn := func(level string) Func {
		return Func{
			Name:   "log." + level,
			Params: []Param{req("msg", "any"), opt("fields", "table<string, any>")},
			Doc:    "Writes a " + level + " line to stderr: timestamp, level, message and the fields as sorted key=value pairs.",
		}
	}
	return []Func{
		{Name: "base64.decode", Params: []Param{req("s", "string")}, Returns: ret("string"),
			Doc: "Decodes base64 (standard or URL-safe alphabet, padded or not); raises on anything else."},
		{Name: "base64.encode", Params: []Param{req("s", "string")}, Returns: ret("string"),
			Doc: "Encodes a string in standard base64 with padding."},
		{Name: "crypto.hmac_sha256_hex", Params: []Param{req("key", "string"), req("s", "string")}, Returns: ret("string"),
			Doc: "Returns the HMAC-SHA-256 of s under key, as 64 lowercase hex digits."},
		{Name: "crypto.random_bytes", Params: []Param{req("n", "integer")}, Returns: ret("string"),
			Doc: "Returns n secure random bytes from the operating system (for secrets; math.random is not)."},
		{Name: "crypto.random_hex", Params: []Param{req("n", "integer")}, Returns: ret("string"),
			Doc: "Returns n secure random bytes as 2n lowercase hex digits: crypto.random_hex(32) is a 256-bit secret."},
		{Name: "crypto.sha256_hex", Params: []Param{req("s", "string")}, Returns: ret("string"),
			Doc: "Returns the SHA-256 of s as 64 lowercase hex digits."},
		{Name: "env.get", Params: []Param{req("name", "string"), opt("default", "string|number|boolean")}, Returns: ret("string?"),
			Doc: "Returns the environment variable, or default (nil if not given) when it is unset."},
		{Name: "env.require", Params: []Param{req("name", "string")}, Returns: ret("string"),
			Doc: "Returns the environment variable; raises with a hint when it is unset or empty."},
		{Name: "hex.decode", Params: []Param{req("s", "string")}, Returns: ret("string"),
			Doc: "Decodes hex digits (either case) to bytes; raises on anything else."},
		{Name: "hex.encode", Params: []Param{req("s", "string")}, Returns: ret("string"),
			Doc: "Encodes a string as lowercase hex digits."},
		{Name: "inspect", Params: []Param{req("value", "any"), opt("opts", "{depth?: integer, width?: integer, tostring?: boolean}")}, Returns: ret("string"),
			Doc: "Renders a value for people: sorted keys, quoted strings, <cycle> for cycles, one line when short."},
		{Name: "json.array", Params: []Param{opt("t", "table")}, Returns: ret("table"),
			Doc: "Marks t (or a new table) to encode as a JSON array, even when empty; returns it."},
		{Name: "json.decode", Params: []Param{req("s", "string")}, Returns: ret("any"),
			Doc: "Decodes JSON: objects to tables, arrays to sequences, null to json.null."},
		{Name: "json.encode", Params: []Param{req("value", "any"), opt("opts", "{indent?: integer|string|boolean}")}, Returns: ret("string"),
			Doc: "Encodes a value as JSON with sorted keys; whole numbers stay integers; cycles raise."},
		logFn("debug"),
		{Name: "log.enabled", Params: []Param{req("level", "string")}, Returns: ret("boolean"),
			Doc: "Reports whether a line at level (debug, info, warn, error) would be written."},
		logFn("error"),
		logFn("info"),
		logFn("warn"),
		{Name: "os.exit", Params: []Param{opt("code", "integer|boolean")},
			Doc: "Ends the script with the exit code (true or nil is 0, false is 1); the host decides what that means."},
		{Name: "pcall", Params: []Param{req("fn", "function"), opt("...", "any")}, Returns: []Param{{Name: "ok", Type: "boolean"}, {Name: "...", Type: "any"}},
			Doc: "Calls fn in protected mode; os.exit still ends the script."},
		{Name: "print", Params: []Param{opt("...", "any")},
			Doc: "Writes the values, converted with tostring and separated by tabs, as one line to stdout."},
		{Name: "time.format", Params: []Param{opt("t", "number|string"), opt("layout", "string")}, Returns: ret("string"),
			Doc: "Formats a time (seconds since the epoch, or milliseconds from 1e11 up such as an event timestamp; default now) in UTC; layout is a Go layout (the reference time written as wanted: \"2006-01-02 15:04\"; a layout with no element of a time, such as strftime's \"%Y-%m-%d\", is an error) or rfc3339 (default), rfc3339nano, rfc1123, datetime, date, time, kitchen."},
		{Name: "time.now", Returns: ret("number"),
			Doc: "Returns the current time in seconds since the epoch, with fractions."},
		{Name: "time.now_ms", Returns: ret("integer"),
			Doc: "Returns the current time in whole milliseconds since the epoch."},
		{Name: "time.parse", Params: []Param{req("s", "string"), opt("layout", "string")}, Returns: ret("number"),
			Doc: "Parses a timestamp (RFC 3339 by default) to seconds since the epoch."},
		{Name: "time.parse_duration", Params: []Param{req("d", "number|string")}, Returns: ret("number"),
			Doc: `Converts a number of seconds or a Go duration string ("90s", "2m") to seconds.`},
		{Name: "time.since", Params: []Param{req("t", "number|string")}, Returns: ret("number"),
			Doc: "Returns the seconds elapsed since t: seconds from time.now, milliseconds (from 1e11 up, as in event timestamps) or a timestamp string."},
		{Name: "time.sleep", Params: []Param{req("d", "number|string")},
			Doc: `Pauses for d (seconds or a duration string such as "500ms"); cancellation ends it at once.`},
		{Name: "xpcall", Params: []Param{req("fn", "function"), req("handler", "function")}, Returns: []Param{{Name: "ok", Type: "boolean"}, {Name: "...", Type: "any"}},
			Doc: "Calls fn in protected mode with an error handler; os.exit still ends the script."},
	}
}

// Values lists the non-function fields Open registers.
func Values() []Value {
	return []Value{
		{Name: "json.null", Type: "userdata", Doc: "The JSON null: what json.decode gives for null and json.encode writes as null."},
	}
}
