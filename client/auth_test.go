package client

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthorizationHeader(t *testing.T) {
	t.Parallel()
	for token, want := range map[string]string{
		"":                         "",
		"   ":                      "",
		"fo1_oauthtoken":           "Bearer fo1_oauthtoken",
		"plainoldtoken":            "Bearer plainoldtoken",
		"Bearer abc":               "Bearer abc",
		"fm1r_abc":                 "FlyV1 fm1r_abc",
		"fm1a_abc":                 "FlyV1 fm1a_abc",
		"fm2_abc":                  "FlyV1 fm2_abc",
		"fm2_abc,fm2_def":          "FlyV1 fm2_abc,fm2_def",
		"FlyV1 fm2_abc,fm2_def":    "FlyV1 fm2_abc,fm2_def",
		"flyv1 fm2_abc":            "FlyV1 fm2_abc",
		" fm2_abc , oauth ":        "FlyV1 fm2_abc",
		"oauth,fm1r_abc":           "FlyV1 fm1r_abc",
		"FlyV1 fm2_a, fm2_b":       "FlyV1 fm2_a, fm2_b",
		"\tfm2_withspace\n":        "FlyV1 fm2_withspace",
		"fm3_unknownprefix_is_raw": "Bearer fm3_unknownprefix_is_raw",
	} {
		assert.Equal(t, want, AuthorizationHeader(token), "token %q", token)
	}
}

func TestFromEnv(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".fly"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".fly", "config.yml"),
		[]byte("access_token: fo1_fromconfig\nwire_guard_state: {}\n"), 0o600))
	empty := t.TempDir()

	cases := []struct {
		name     string
		env      map[string]string
		wantAuth string
		wantBase string
		wantErr  error
	}{
		{"api token first", map[string]string{"FLY_API_TOKEN": "fm2_api", "FLY_ACCESS_TOKEN": "fo1_access", "HOME": home}, "FlyV1 fm2_api", DefaultBaseURL, nil},
		{"access token next", map[string]string{"FLY_ACCESS_TOKEN": "fo1_access", "HOME": home}, "Bearer fo1_access", DefaultBaseURL, nil},
		{"config file last", map[string]string{"HOME": home}, "Bearer fo1_fromconfig", DefaultBaseURL, nil},
		{"base url", map[string]string{"FLY_API_TOKEN": "t0ken", "FLY_FLAPS_BASE_URL": "http://_api.internal:4280/", "HOME": empty}, "Bearer t0ken", "http://_api.internal:4280", nil},
		{"no token", map[string]string{"HOME": empty}, "", "", ErrNoToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := FromEnvLookup(func(k string) string { return tc.env[k] })
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantAuth, c.authHeader())
			assert.Equal(t, tc.wantBase, c.BaseURL())
		})
	}

	// Options win over the environment.
	c, err := FromEnvLookup(func(k string) string { return map[string]string{"FLY_API_TOKEN": "envtoken", "HOME": empty}[k] },
		WithToken("fm2_option"), WithBaseURL("http://127.0.0.1:1"))
	require.NoError(t, err)
	assert.Equal(t, "FlyV1 fm2_option", c.authHeader())
	assert.Equal(t, "http://127.0.0.1:1", c.BaseURL())
}

func TestConfigFileThatIsNotYAMLDoesNotLeakItsContent(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".fly"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".fly", "config.yml"), []byte("access_token: [fo1_secretvalue\n"), 0o600))
	_, err := FromEnvLookup(func(k string) string { return map[string]string{"HOME": home}[k] })
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "fo1_secretvalue")
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, opt := range []Option{
		WithBaseURL("ftp://x"), WithBaseURL("http://"), WithBaseURL("::"), WithHTTPClient(nil),
		WithMaxResponseBytes(0), WithClock(nil), WithRateLimits(RateLimits{Default: Limit{Rate: -1, Burst: 1}}),
	} {
		_, err := New(opt)
		assert.Error(t, err)
	}
	c, err := New()
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, c.BaseURL())
	assert.False(t, c.HasToken())
}

// The token never appears in an error, whatever carries it: a transport
// error quoting the URL, a path parameter, an echoing server.
func TestTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	const secret = "fm2_topsecretmacaroonvalue"
	echo := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(401, `{"error":"bad token `+strings.TrimPrefix(r.Header.Get("Authorization"), "FlyV1 ")+`"}`)(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadAddr := ln.Addr().String()
	require.NoError(t, ln.Close())

	var observed []string
	check := func(c *Client, req *Request) {
		_, err := c.Do(t.Context(), req)
		require.Error(t, err)
		var e *Error
		require.ErrorAs(t, err, &e)
		for _, s := range []string{err.Error(), e.Message, e.Path, e.Op, string(e.Body), e.Hint()} {
			assert.NotContains(t, s, secret)
		}
		if e.Err != nil {
			assert.NotContains(t, e.Err.Error(), secret)
		}
	}
	obs := WithObserver(func(ci CallInfo) {
		observed = append(observed, ci.Path, ci.Op)
		if ci.Err != nil {
			observed = append(observed, ci.Err.Error())
		}
	})
	clk := newFakeClock()
	c, err := New(WithBaseURL(echo.URL), WithToken(secret), WithClock(clk), obs)
	require.NoError(t, err)
	check(c, &Request{Method: "GET", Pattern: "/v1/apps/{app_name}", Params: map[string]string{"app_name": secret}})
	assert.Contains(t, echo.Last(t).Body+echo.Last(t).Header.Get("Authorization"), secret, "the token is sent")

	dead, err := New(WithBaseURL("http://"+deadAddr+"/"+secret), WithToken(secret), WithClock(clk), obs, WithRetryPolicy(RetryPolicy{MaxAttempts: 2}))
	require.NoError(t, err)
	check(dead, &Request{Method: "GET", Pattern: "/v1/apps"})
	check(dead, &Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines", Params: map[string]string{"app_name": "a"}, Body: []byte(`{}`)})

	for _, opts := range [][]Option{
		{WithToken(secret), WithBaseURL("http://host/" + secret + "%zz")},
		{WithBaseURL("http://host/" + secret + "%zz"), WithToken(secret)},
	} {
		_, err = New(opts...)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), secret)
	}

	require.NotEmpty(t, observed)
	for _, s := range observed {
		assert.NotContains(t, s, secret)
	}
}

// A server that echoes the token where the client does not expect it: past
// the cut of a long message, in the request id header, in the status field.
func TestTokenEchoedAnywhereIsScrubbed(t *testing.T) {
	t.Parallel()
	const secret = "fm2_echoedbackbytheserver"
	for name, handler := range map[string]http.HandlerFunc{
		"past the message cut": func(w http.ResponseWriter, r *http.Request) {
			jsonReply(500, `{"error":"`+strings.Repeat("x", 990)+secret+`"}`)(w, r)
		},
		"in the request id": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(RequestIDHeader, "req-"+secret)
			jsonReply(404, `{"error":"not found"}`)(w, r)
		},
		"in the status field": func(w http.ResponseWriter, r *http.Request) {
			jsonReply(422, `{"error":"invalid","status":"`+secret+`"}`)(w, r)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var observed []string
			s := newServer(t, handler)
			c, _ := newTestClient(t, s, WithToken(secret), WithRetryPolicy(NoRetries), WithObserver(func(ci CallInfo) {
				observed = append(observed, ci.RequestID, ci.Path, ci.Op)
				if ci.Err != nil {
					observed = append(observed, ci.Err.Error())
				}
			}))
			_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps/{app_name}", Params: map[string]string{"app_name": "a"}})
			var e *Error
			require.ErrorAs(t, err, &e)
			for _, s := range append(observed, err.Error(), e.Message, e.Code, e.RequestID, string(e.Body), e.Hint()) {
				assert.NotContains(t, s, secret)
				assert.NotContains(t, s, secret[:8], "no prefix of the token either")
			}
		})
	}
}

func TestSecretsOf(t *testing.T) {
	t.Parallel()
	assert.Empty(t, secretsOf(""))
	assert.Empty(t, secretsOf("sim"), "a string this short is no real token; scrubbing it would mangle text")
	assert.Equal(t, []string{"FlyV1 fm2_partone1,fm2_parttwo2", "fm2_partone1", "fm2_parttwo2"}, secretsOf("FlyV1 fm2_partone1,fm2_parttwo2"))
	assert.Equal(t, []string{"Bearer abcdefghij", "abcdefghij"}, secretsOf("Bearer abcdefghij"))
}

// flyctl's config file is read only when it is a small regular file: a FIFO
// would block for ever, /dev/zero would be read until memory runs out.
func TestConfigFileThatIsNoSmallFile(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	cfg := filepath.Join(home, ".fly", "config.yml")
	require.NoError(t, os.MkdirAll(filepath.Dir(cfg), 0o700))
	require.NoError(t, os.Symlink(os.DevNull, cfg))
	_, err := FromEnvLookup(func(k string) string { return map[string]string{"HOME": home}[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file (a device)")

	require.NoError(t, os.Remove(cfg))
	require.NoError(t, os.WriteFile(cfg, make([]byte, MaxConfigFileSize+1), 0o600))
	_, err = FromEnvLookup(func(k string) string { return map[string]string{"HOME": home}[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than 1048576 bytes")
}
