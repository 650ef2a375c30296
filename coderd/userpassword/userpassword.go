// Package userpassword hashes, verifies and validates user login passwords.
//
// New hashes use argon2id and are encoded as PHC strings:
//
//	$argon2id$v=19$m=12288,t=3,p=1$<salt>$<hash>
//
// (salt and hash in unpadded standard base64). Compare reads the parameters
// from the string, so the defaults can be raised later without invalidating
// stored hashes; NeedsRehash tells the login path when a stored hash is weaker
// than the current defaults so it can be replaced after a successful login.
//
// Compare also verifies PBKDF2-SHA256 hashes of the form
//
//	$pbkdf2-sha256$<iterations>$<salt>$<hash>
//
// as written by upstream Coder and by passlib, so users imported from those
// systems can still log in (and are then rehashed to argon2id).
package userpassword

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/pbkdf2"
	"golang.org/x/xerrors"
)

// Default argon2id parameters for new hashes.
//
// m=12 MiB, t=3, p=1 is one of OWASP's equivalent argon2id configurations
// (m=19 MiB/t=2, m=12 MiB/t=3, m=9 MiB/t=4, m=7 MiB/t=5 all cost about the
// same CPU). Of those it is the one with the most memory-hardness that still
// runs one hash in about 20 ms on one current x86 core (m=19 MiB/t=2 takes
// about 35 ms here, mostly from touching the larger buffer), and it needs
// only 12 MiB while it runs. A server hashes through a Hasher, which caps how
// many hashes run at once, so the memory a burst of logins can take is
// bounded too. p=1 keeps each hash on one core: concurrent requests already
// use all cores.
const (
	DefaultArgon2Memory  uint32 = 12 * 1024 // KiB
	DefaultArgon2Time    uint32 = 3
	DefaultArgon2Threads uint8  = 1

	saltLength = 16
	keyLength  = 32
)

// Bounds on the parameters accepted from a stored hash string. They keep a
// corrupted or hostile imported hash from costing unbounded CPU or memory on
// the login path; they are far above anything sensible for a login.
const (
	maxArgon2Memory  = 1 << 20 // KiB, i.e. 1 GiB
	maxArgon2Time    = 100
	maxPBKDF2Iter    = 10_000_000
	minSaltLength    = 8
	maxSaltLength    = 1024
	minKeyLength     = 16
	maxKeyLength     = 1024
	argon2idScheme   = "argon2id"
	argon2iScheme    = "argon2i"
	pbkdf2Scheme     = "pbkdf2-sha256"
	argon2VersionStr = "v=19" // argon2.Version == 0x13
)

// Hash returns an argon2id PHC string for password, using a fresh random
// salt and the default parameters.
func Hash(password string) (string, error) {
	salt := make([]byte, saltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", xerrors.Errorf("read random salt: %w", err)
	}
	p := argon2Params{
		variant: argon2idScheme,
		memory:  DefaultArgon2Memory,
		time:    DefaultArgon2Time,
		threads: DefaultArgon2Threads,
		salt:    salt,
	}
	p.key = p.derive(password, keyLength)
	return p.encode(), nil
}

// Compare reports whether password matches hashed, an argon2id (or argon2i)
// PHC string or a $pbkdf2-sha256$ string. The comparison of the derived keys
// is constant-time. A malformed or unsupported hash is an error; a wrong
// password is (false, nil).
//
// If hashed is empty, Compare does the work of checking against a hash with
// the default parameters and returns (false, nil): callers may use this to
// keep "no such user" as slow as "wrong password". It never returns true for
// an empty hash.
func Compare(hashed, password string) (bool, error) {
	if hashed == "" {
		_ = argon2.IDKey([]byte(password), dummySalt[:], DefaultArgon2Time,
			DefaultArgon2Memory, DefaultArgon2Threads, keyLength)
		return false, nil
	}
	scheme, err := schemeOf(hashed)
	if err != nil {
		return false, err
	}
	switch scheme {
	case argon2idScheme, argon2iScheme:
		p, err := parseArgon2(hashed)
		if err != nil {
			return false, err
		}
		got := p.derive(password, uint32(len(p.key)))
		return subtle.ConstantTimeCompare(got, p.key) == 1, nil
	case pbkdf2Scheme:
		p, err := parsePBKDF2(hashed)
		if err != nil {
			return false, err
		}
		got := pbkdf2.Key([]byte(password), p.salt, p.iter, len(p.key), sha256.New)
		return subtle.ConstantTimeCompare(got, p.key) == 1, nil
	default:
		return false, xerrors.Errorf("unsupported password hash scheme %q", scheme)
	}
}

// NeedsRehash reports whether hashed should be replaced by a fresh Hash of
// the password (typically right after a successful Compare): it is true for
// PBKDF2 and argon2i hashes, for argon2id hashes whose memory or time cost,
// salt or key length is below the current defaults, and for anything that
// does not parse. Hashes with parameters above the defaults are kept.
func NeedsRehash(hashed string) bool {
	scheme, err := schemeOf(hashed)
	if err != nil || scheme != argon2idScheme {
		return true
	}
	p, err := parseArgon2(hashed)
	if err != nil {
		return true
	}
	return p.memory < DefaultArgon2Memory ||
		p.time < DefaultArgon2Time ||
		len(p.salt) < saltLength ||
		len(p.key) < keyLength
}

// dummySalt is used for the timing-equalising derivation on an empty hash.
var dummySalt [saltLength]byte

// b64 is the encoding of salts and keys in PHC strings.
var b64 = base64.RawStdEncoding

type argon2Params struct {
	variant string // argon2idScheme or argon2iScheme
	memory  uint32 // KiB
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

func (p argon2Params) derive(password string, keyLen uint32) []byte {
	if p.variant == argon2iScheme {
		return argon2.Key([]byte(password), p.salt, p.time, p.memory, p.threads, keyLen)
	}
	return argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, keyLen)
}

func (p argon2Params) encode() string {
	var b strings.Builder
	b.WriteString("$")
	b.WriteString(p.variant)
	b.WriteString("$" + argon2VersionStr + "$m=")
	b.WriteString(strconv.FormatUint(uint64(p.memory), 10))
	b.WriteString(",t=")
	b.WriteString(strconv.FormatUint(uint64(p.time), 10))
	b.WriteString(",p=")
	b.WriteString(strconv.FormatUint(uint64(p.threads), 10))
	b.WriteString("$")
	b.WriteString(b64.EncodeToString(p.salt))
	b.WriteString("$")
	b.WriteString(b64.EncodeToString(p.key))
	return b.String()
}

// schemeOf returns the identifier between the first two '$'.
func schemeOf(hashed string) (string, error) {
	if !strings.HasPrefix(hashed, "$") {
		return "", xerrors.New("malformed password hash: missing leading '$'")
	}
	scheme, _, ok := strings.Cut(hashed[1:], "$")
	if !ok || scheme == "" {
		return "", xerrors.New("malformed password hash: missing scheme")
	}
	return scheme, nil
}

// parseArgon2 parses $argon2id$v=19$m=..,t=..,p=..$salt$hash (argon2i too).
func parseArgon2(hashed string) (argon2Params, error) {
	parts := strings.Split(hashed, "$")
	// "", variant, version, params, salt, hash
	if len(parts) != 6 {
		return argon2Params{}, xerrors.Errorf("malformed argon2 hash: want 6 '$'-separated fields, got %d", len(parts))
	}
	p := argon2Params{variant: parts[1]}
	if p.variant != argon2idScheme && p.variant != argon2iScheme {
		return argon2Params{}, xerrors.Errorf("malformed argon2 hash: unknown variant %q", p.variant)
	}
	if parts[2] != argon2VersionStr {
		return argon2Params{}, xerrors.Errorf("unsupported argon2 version %q (only %s)", parts[2], argon2VersionStr)
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return argon2Params{}, xerrors.Errorf("malformed argon2 parameter %q", kv)
		}
		if seen[k] {
			return argon2Params{}, xerrors.Errorf("duplicate argon2 parameter %q", k)
		}
		seen[k] = true
		switch k {
		case "m":
			n, err := parseDecimal(v, maxArgon2Memory)
			if err != nil {
				return argon2Params{}, xerrors.Errorf("argon2 memory: %w", err)
			}
			p.memory = uint32(n)
		case "t":
			n, err := parseDecimal(v, maxArgon2Time)
			if err != nil {
				return argon2Params{}, xerrors.Errorf("argon2 time: %w", err)
			}
			p.time = uint32(n)
		case "p":
			n, err := parseDecimal(v, 255)
			if err != nil {
				return argon2Params{}, xerrors.Errorf("argon2 parallelism: %w", err)
			}
			p.threads = uint8(n)
		default:
			return argon2Params{}, xerrors.Errorf("unsupported argon2 parameter %q", k)
		}
	}
	if !seen["m"] || !seen["t"] || !seen["p"] {
		return argon2Params{}, xerrors.New("argon2 hash lacks one of the m, t, p parameters")
	}
	if p.time < 1 || p.threads < 1 {
		return argon2Params{}, xerrors.New("argon2 time and parallelism must be at least 1")
	}
	// RFC 9106: memory must be at least 8*p KiB.
	if p.memory < 8*uint32(p.threads) {
		return argon2Params{}, xerrors.Errorf("argon2 memory %d KiB is below 8*p", p.memory)
	}
	var err error
	if p.salt, err = decodeB64(parts[4], minSaltLength, maxSaltLength); err != nil {
		return argon2Params{}, xerrors.Errorf("argon2 salt: %w", err)
	}
	if p.key, err = decodeB64(parts[5], minKeyLength, maxKeyLength); err != nil {
		return argon2Params{}, xerrors.Errorf("argon2 hash: %w", err)
	}
	return p, nil
}

type pbkdf2Params struct {
	iter int
	salt []byte
	key  []byte
}

// parsePBKDF2 parses $pbkdf2-sha256$<iter>$<salt>$<hash>. Salt and hash may
// be standard base64 with or without padding, or passlib's "adapted" base64
// which uses '.' in place of '+'. The key length is that of the stored hash
// (64 bytes from Coder, 32 from passlib).
func parsePBKDF2(hashed string) (pbkdf2Params, error) {
	parts := strings.Split(hashed, "$")
	if len(parts) != 5 {
		return pbkdf2Params{}, xerrors.Errorf("malformed pbkdf2 hash: want 5 '$'-separated fields, got %d", len(parts))
	}
	if parts[1] != pbkdf2Scheme {
		return pbkdf2Params{}, xerrors.Errorf("malformed pbkdf2 hash: scheme %q", parts[1])
	}
	iter, err := parseDecimal(parts[2], maxPBKDF2Iter)
	if err != nil {
		return pbkdf2Params{}, xerrors.Errorf("pbkdf2 iterations: %w", err)
	}
	if iter < 1 {
		return pbkdf2Params{}, xerrors.New("pbkdf2 iterations must be at least 1")
	}
	salt, err := decodeB64(passlibToStd(parts[3]), minSaltLength, maxSaltLength)
	if err != nil {
		return pbkdf2Params{}, xerrors.Errorf("pbkdf2 salt: %w", err)
	}
	key, err := decodeB64(passlibToStd(parts[4]), minKeyLength, maxKeyLength)
	if err != nil {
		return pbkdf2Params{}, xerrors.Errorf("pbkdf2 hash: %w", err)
	}
	return pbkdf2Params{iter: int(iter), salt: salt, key: key}, nil
}

func passlibToStd(s string) string {
	return strings.ReplaceAll(s, ".", "+")
}

// decodeB64 decodes standard base64 with or without padding and checks the
// decoded length.
func decodeB64(s string, minLen, maxLen int) ([]byte, error) {
	b, err := b64.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, xerrors.Errorf("invalid base64: %w", err)
	}
	if len(b) < minLen || len(b) > maxLen {
		return nil, xerrors.Errorf("length %d outside [%d, %d] bytes", len(b), minLen, maxLen)
	}
	return b, nil
}

// parseDecimal parses a canonical non-negative decimal no greater than max.
func parseDecimal(s string, max uint64) (uint64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, xerrors.Errorf("invalid number %q", s)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, xerrors.Errorf("invalid number %q", s)
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max {
		return 0, xerrors.Errorf("number %q out of range (max %d)", s, max)
	}
	return n, nil
}
