package client

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flyscript/flyscript/internal/smallfile"
)

// ErrNoToken is returned by FromEnv when no token is found.
var ErrNoToken = errors.New("client: no Fly.io API token found (set FLY_API_TOKEN, or run `fly auth login`)")

// AuthorizationHeader returns the Authorization header value for token:
// "FlyV1 <macaroons>" when the token holds macaroons (it starts with
// "FlyV1 ", or a part of a comma-separated list starts with "fm1" or
// "fm2_"), "Bearer <token>" otherwise, and "" for an empty token.
func AuthorizationHeader(token string) string {
	t := strings.TrimSpace(token)
	switch {
	case t == "":
		return ""
	case hasPrefixFold(t, "FlyV1 "):
		t = strings.TrimSpace(t[len("FlyV1 "):])
		return "FlyV1 " + t
	case hasPrefixFold(t, "Bearer "):
		return "Bearer " + strings.TrimSpace(t[len("Bearer "):])
	}
	var macaroons, others []string
	for _, part := range strings.Split(t, ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
		case isMacaroon(part):
			macaroons = append(macaroons, part)
		default:
			others = append(others, part)
		}
	}
	if len(macaroons) > 0 {
		return "FlyV1 " + strings.Join(macaroons, ",")
	}
	if len(others) == 0 {
		return ""
	}
	return "Bearer " + others[0]
}

func isMacaroon(s string) bool {
	return strings.HasPrefix(s, "fm1r_") || strings.HasPrefix(s, "fm1a_") ||
		strings.HasPrefix(s, "fm1_") || strings.HasPrefix(s, "fm2_")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// minSecret is the length under which a string is not scrubbed as a secret.
const minSecret = 8

// secretsOf lists the strings that must never appear in an error: the token
// itself and each of its parts. Strings under 8 bytes are left out: no real
// token is that short, and scrubbing them would mangle innocent text (the
// simulator accepts any token, such as "sim").
func secretsOf(token string) []string {
	if len(token) < minSecret {
		return nil
	}
	out := []string{token}
	rest := token
	for _, p := range []string{"FlyV1 ", "Bearer ", "flyv1 ", "bearer "} {
		rest = strings.TrimPrefix(rest, p)
	}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if len(part) >= minSecret {
			out = append(out, part)
		}
	}
	return out
}

// FromEnv returns a Client configured from the environment, then opts:
// the token from FLY_API_TOKEN, else FLY_ACCESS_TOKEN, else access_token in
// ~/.fly/config.yml; the endpoint from FLY_FLAPS_BASE_URL when set. Options
// given here win over the environment. It fails with ErrNoToken when no
// token is found and opts set none.
func FromEnv(opts ...Option) (*Client, error) {
	return FromEnvLookup(os.Getenv, opts...)
}

// FromEnvLookup is FromEnv reading variables through getenv instead of the
// process environment (HOME locates ~/.fly/config.yml, falling back to the
// user's home directory).
func FromEnvLookup(getenv func(string) string, opts ...Option) (*Client, error) {
	var envOpts []Option
	token, err := tokenFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if token != "" {
		envOpts = append(envOpts, WithToken(token))
	}
	if base := strings.TrimSpace(getenv("FLY_FLAPS_BASE_URL")); base != "" {
		envOpts = append(envOpts, WithBaseURL(base))
	}
	c, err := New(append(envOpts, opts...)...)
	if err != nil {
		return nil, err
	}
	if !c.HasToken() {
		return nil, ErrNoToken
	}
	return c, nil
}

func tokenFromEnv(getenv func(string) string) (string, error) {
	for _, name := range []string{"FLY_API_TOKEN", "FLY_ACCESS_TOKEN"} {
		if t := strings.TrimSpace(getenv(name)); t != "" {
			return t, nil
		}
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", nil
		}
		home = h
	}
	return tokenFromConfig(filepath.Join(home, ".fly", "config.yml"))
}

// MaxConfigFileSize is the largest flyctl config file read for its token
// (one is a few hundred bytes).
const MaxConfigFileSize = 1 << 20

// tokenFromConfig reads access_token from flyctl's config file; a missing
// file is no error, one that is no regular file (a FIFO, /dev/zero) or
// larger than MaxConfigFileSize is.
func tokenFromConfig(path string) (string, error) {
	data, err := smallfile.Read(path, MaxConfigFileSize)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("client: read %s: %w", path, err)
	}
	var cfg struct {
		AccessToken string `yaml:"access_token"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		// The YAML error may quote the file, and so the token: never wrap it.
		return "", fmt.Errorf("client: %s is not valid YAML", path)
	}
	return strings.TrimSpace(cfg.AccessToken), nil
}
