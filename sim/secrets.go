package sim

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"sort"

	"github.com/flyscript/flyscript/internal/lazyre"
)

// bytesJSON is a byte field of the API (secret key values, plaintexts,
// ciphertexts, signatures, public keys, token nonces). The document types
// them as arrays of integers, but the API is a Go server whose fields are
// []byte, and Go writes those as base64 strings; its decoder reads both
// forms, and so does this one. fly-go reads both too.
type bytesJSON []byte

// MarshalJSON writes a standard base64 string, as the API does.
func (b bytesJSON) MarshalJSON() ([]byte, error) {
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

// UnmarshalJSON reads a base64 string or an array of integers 0-255.
func (b *bytesJSON) UnmarshalJSON(data []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte(`"`)) {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		d, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("bytes: want an array of integers or base64: %w", err)
		}
		*b = d
		return nil
	}
	var ints []int
	if err := json.Unmarshal(data, &ints); err != nil {
		return fmt.Errorf("bytes: want an array of integers 0-255")
	}
	out := make([]byte, len(ints))
	for i, x := range ints {
		if x < 0 || x > 255 {
			return fmt.Errorf("bytes: %d is not a byte", x)
		}
		out[i] = byte(x)
	}
	*b = out
	return nil
}

// sortedBy returns m's values ordered by key.
func sortedBy[V any](m map[string]V, key func(V) string) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

// sortedValues returns m's values in the order of their map keys.
func sortedValues[V any](m map[string]V) []V {
	names := sortedKeys(m)
	out := make([]V, 0, len(names))
	for _, n := range names {
		out = append(out, m[n])
	}
	return out
}

func (s *Server) sortedOrgs() []*orgState {
	return sortedBy(s.w.Orgs, func(o *orgState) string { return o.Slug })
}

func (s *Server) sortedApps() []*app {
	return sortedBy(s.w.Apps, func(a *app) string { return a.Name })
}

// withVersion adds a secrets version to a response under both spellings the
// API uses.
func withVersion(j map[string]any, v int64) map[string]any {
	j["version"], j["Version"] = v, v
	return j
}

// validSecretName answers 400 `invalid <what> "<name>"` itself and returns
// false when name is not a valid secret (key) name.
func validSecretName(w http.ResponseWriter, what, name string) bool {
	if !secretNameRE().MatchString(name) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid %s %q", what, name))
		return false
	}
	return true
}

var secretNameRE = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

func digest(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:8])
}

func secretJSON(sec *secret, show bool) map[string]any {
	j := map[string]any{
		"name": sec.Name, "digest": digest(sec.Value),
		"created_at": rfc3339(sec.CreatedAt), "updated_at": rfc3339(sec.UpdatedAt),
	}
	if show {
		j["value"] = sec.Value
	}
	return j
}

func (s *Server) listSecrets(w http.ResponseWriter, r *http.Request) {
	show, ok := boolParam(w, r, "show_secrets")
	if !ok {
		return
	}
	s.withApp(w, r, func(a *app) {
		writeJSON(w, http.StatusOK, map[string]any{"secrets": sortedSecrets(a, show)})
	})
}

func sortedSecrets(a *app, show bool) []map[string]any {
	out := make([]map[string]any, 0, len(a.Secrets))
	for _, sec := range sortedValues(a.Secrets) {
		out = append(out, secretJSON(sec, show))
	}
	return out
}

func (s *Server) updateSecrets(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Values map[string]*string `json:"values"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	for k := range req.Values {
		if !validSecretName(w, "secret name", k) {
			return
		}
	}
	s.withApp(w, r, func(a *app) {
		now := s.clock.Now()
		for k, v := range req.Values {
			if v == nil {
				delete(a.Secrets, k)
				continue
			}
			if old := a.Secrets[k]; old != nil {
				old.Value, old.UpdatedAt = *v, now
			} else {
				a.Secrets[k] = &secret{Name: k, Value: *v, CreatedAt: now, UpdatedAt: now}
			}
		}
		a.SecretsVersion++
		s.commitAnswer(w, http.StatusOK, withVersion(map[string]any{"secrets": sortedSecrets(a, false)}, a.SecretsVersion))
	})
}

func (s *Server) getSecret(w http.ResponseWriter, r *http.Request) {
	show, ok := boolParam(w, r, "show_secrets")
	if !ok {
		return
	}
	s.withApp(w, r, func(a *app) {
		sec := a.Secrets[r.PathValue("secret_name")]
		if sec == nil {
			writeError(w, http.StatusNotFound, "secret not found")
			return
		}
		writeJSON(w, http.StatusOK, secretJSON(sec, show))
	})
}

func (s *Server) setSecret(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Value *string `json:"value"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	name := r.PathValue("secret_name")
	if !validSecretName(w, "secret name", name) {
		return
	}
	if req.Value == nil {
		writeError(w, http.StatusBadRequest, "value is required")
		return
	}
	s.withApp(w, r, func(a *app) {
		now := s.clock.Now()
		sec := a.Secrets[name]
		if sec == nil {
			sec = &secret{Name: name, CreatedAt: now}
			a.Secrets[name] = sec
		}
		sec.Value, sec.UpdatedAt = *req.Value, now
		a.SecretsVersion++
		s.commitAnswer(w, http.StatusCreated, withVersion(secretJSON(sec, false), a.SecretsVersion))
	})
}

func (s *Server) deleteSecret(w http.ResponseWriter, r *http.Request) {
	s.withApp(w, r, func(a *app) {
		name := r.PathValue("secret_name")
		if a.Secrets[name] == nil {
			writeError(w, http.StatusNotFound, "secret not found")
			return
		}
		delete(a.Secrets, name)
		a.SecretsVersion++
		s.commitAnswer(w, http.StatusOK, withVersion(map[string]any{}, a.SecretsVersion))
	})
}

// Secret key types the simulator implements with Go's crypto.
var secretKeyTypes = map[string]struct {
	keyLen        int // 0: any length from 16 to 128
	sign, encrypt bool
	hash          func() hash.Hash
	truncate      int
	asymmetric    bool
}{
	"hs256":      {keyLen: 0, sign: true, hash: sha256.New},
	"hs384":      {keyLen: 0, sign: true, hash: sha512.New384},
	"hs512":      {keyLen: 0, sign: true, hash: sha512.New},
	"nacl_auth":  {keyLen: 32, sign: true, hash: sha512.New, truncate: 32},
	"nacl_sign":  {keyLen: ed25519.PrivateKeySize, sign: true, asymmetric: true},
	"xaes256gcm": {keyLen: 32, encrypt: true},
}

func secretKeyJSON(k *secretKey) map[string]any {
	j := map[string]any{
		"name": k.Name, "type": k.Type, "created_at": rfc3339(k.CreatedAt), "updated_at": rfc3339(k.UpdatedAt),
	}
	if k.Type == "nacl_sign" {
		j["public_key"] = bytesJSON(ed25519.PrivateKey(k.Key).Public().(ed25519.PublicKey))
	}
	return j
}

func (s *Server) listSecretKeys(w http.ResponseWriter, r *http.Request) {
	types := map[string]bool{}
	for _, t := range splitList(r.URL.Query()["types"]) {
		types[t] = true
	}
	s.withApp(w, r, func(a *app) {
		out := []map[string]any{}
		for _, k := range sortedValues(a.SecretKeys) {
			if len(types) == 0 || types[k.Type] {
				out = append(out, secretKeyJSON(k))
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"secret_keys": out})
	})
}

func (s *Server) secretKeyFor(w http.ResponseWriter, r *http.Request) (*app, *secretKey) {
	return appObject(s, w, r, "secret key", func(a *app) *secretKey {
		return a.SecretKeys[r.PathValue("secret_name")]
	})
}

func (s *Server) getSecretKey(w http.ResponseWriter, r *http.Request) {
	s.withSecretKey(w, r, func(_ *app, k *secretKey) {
		writeJSON(w, http.StatusOK, secretKeyJSON(k))
	})
}

// setSecretKey serves both set (value given) and generate (random value).
func (s *Server) setSecretKey(w http.ResponseWriter, r *http.Request, generate bool) {
	var req struct {
		Type  string    `json:"type"`
		Value bytesJSON `json:"value"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	name := r.PathValue("secret_name")
	if !validSecretName(w, "secret key name", name) {
		return
	}
	kt, ok := secretKeyTypes[req.Type]
	if !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("unsupported secret key type %q: want hs256, hs384, hs512, nacl_auth, nacl_sign or xaes256gcm", req.Type))
		return
	}
	s.withApp(w, r, func(a *app) {
		key := []byte(req.Value)
		if generate {
			n := kt.keyLen
			if n == 0 {
				n = 32
			}
			key = s.ids.bytes(n)
			if req.Type == "nacl_sign" {
				key = ed25519.NewKeyFromSeed(key[:ed25519.SeedSize])
			}
		} else {
			if req.Type == "nacl_sign" && len(key) == ed25519.SeedSize {
				key = ed25519.NewKeyFromSeed(key)
			}
			if (kt.keyLen != 0 && len(key) != kt.keyLen) || (kt.keyLen == 0 && (len(key) < 16 || len(key) > 128)) {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid value: wrong key length %d for type %s", len(key), req.Type))
				return
			}
		}
		now := s.clock.Now()
		a.SecretKeysVersion++
		k := a.SecretKeys[name]
		if k == nil {
			k = &secretKey{Name: name, CreatedAt: now}
			a.SecretKeys[name] = k
		}
		k.Type, k.Key, k.Version, k.UpdatedAt = req.Type, key, a.SecretKeysVersion, now
		s.commitAnswer(w, http.StatusCreated, withVersion(secretKeyJSON(k), k.Version))
	})
}

func (s *Server) deleteSecretKey(w http.ResponseWriter, r *http.Request) {
	s.withSecretKey(w, r, func(a *app, k *secretKey) {
		delete(a.SecretKeys, k.Name)
		a.SecretKeysVersion++
		s.commitAnswer(w, http.StatusOK, withVersion(map[string]any{}, a.SecretKeysVersion))
	})
}

// secretKeyOp runs one cryptographic operation under s.mu.
func (s *Server) secretKeyOp(w http.ResponseWriter, r *http.Request, req any, op func(k *secretKey) (any, int, string)) {
	if !readBody(w, r, req, true) {
		return
	}
	s.withSecretKey(w, r, func(_ *app, k *secretKey) {
		out, code, msg := op(k)
		switch {
		case msg != "":
			writeError(w, code, msg)
		case out == nil:
			writeEmpty(w, code)
		default:
			writeJSON(w, code, out)
		}
	})
}

func (s *Server) encryptSecretKey(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Plaintext      bytesJSON `json:"plaintext"`
		AssociatedData bytesJSON `json:"associated_data"`
	}
	s.secretKeyOp(w, r, &req, func(k *secretKey) (any, int, string) {
		if !secretKeyTypes[k.Type].encrypt {
			return nil, http.StatusBadRequest, fmt.Sprintf("secret key type %s cannot encrypt", k.Type)
		}
		g := gcmFor(k.Key)
		nonce := s.ids.bytes(g.NonceSize())
		ct := g.Seal(append([]byte{}, nonce...), nonce, req.Plaintext, req.AssociatedData)
		return map[string]any{"ciphertext": bytesJSON(ct)}, http.StatusOK, ""
	})
}

func (s *Server) decryptSecretKey(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Ciphertext     bytesJSON `json:"ciphertext"`
		AssociatedData bytesJSON `json:"associated_data"`
	}
	s.secretKeyOp(w, r, &req, func(k *secretKey) (any, int, string) {
		if !secretKeyTypes[k.Type].encrypt {
			return nil, http.StatusBadRequest, fmt.Sprintf("secret key type %s cannot decrypt", k.Type)
		}
		g := gcmFor(k.Key)
		if len(req.Ciphertext) < g.NonceSize() {
			return nil, http.StatusBadRequest, "decryption failed: ciphertext too short"
		}
		n := g.NonceSize()
		pt, err := g.Open(nil, req.Ciphertext[:n], req.Ciphertext[n:], req.AssociatedData)
		if err != nil {
			return nil, http.StatusBadRequest, "decryption failed: message authentication failed"
		}
		return map[string]any{"plaintext": bytesJSON(pt)}, http.StatusOK, ""
	})
}

// gcmFor is AES-256-GCM on a 32-byte key (the simulator's stand-in for
// XAES-256-GCM: it round-trips, but is not byte-compatible).
func gcmFor(key []byte) cipher.AEAD {
	b, _ := aes.NewCipher(key)
	g, _ := cipher.NewGCM(b)
	return g
}

func signWith(k *secretKey, msg []byte) []byte {
	kt := secretKeyTypes[k.Type]
	if kt.asymmetric {
		return ed25519.Sign(ed25519.PrivateKey(k.Key), msg)
	}
	m := hmac.New(kt.hash, k.Key)
	m.Write(msg)
	sum := m.Sum(nil)
	if kt.truncate > 0 {
		sum = sum[:kt.truncate]
	}
	return sum
}

func (s *Server) signSecretKey(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Plaintext bytesJSON `json:"plaintext"`
	}
	s.secretKeyOp(w, r, &req, func(k *secretKey) (any, int, string) {
		if !secretKeyTypes[k.Type].sign {
			return nil, http.StatusBadRequest, fmt.Sprintf("secret key type %s cannot sign", k.Type)
		}
		return map[string]any{"signature": bytesJSON(signWith(k, req.Plaintext))}, http.StatusOK, ""
	})
}

func (s *Server) verifySecretKey(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Plaintext bytesJSON `json:"plaintext"`
		Signature bytesJSON `json:"signature"`
	}
	s.secretKeyOp(w, r, &req, func(k *secretKey) (any, int, string) {
		kt := secretKeyTypes[k.Type]
		if !kt.sign {
			return nil, http.StatusBadRequest, fmt.Sprintf("secret key type %s cannot verify", k.Type)
		}
		ok := false
		if kt.asymmetric {
			ok = ed25519.Verify(ed25519.PrivateKey(k.Key).Public().(ed25519.PublicKey), req.Plaintext, req.Signature)
		} else {
			ok = hmac.Equal(signWith(k, req.Plaintext), req.Signature)
		}
		if !ok {
			return nil, http.StatusBadRequest, "signature verification failed"
		}
		return nil, http.StatusNoContent, ""
	})
}
