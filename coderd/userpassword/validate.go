package userpassword

import (
	_ "embed"
	"errors"
	"math"
	"strings"
	"unicode/utf8"
)

const (
	// MinLength is the minimum password length, in characters (runes).
	MinLength = 8
	// MaxLength is the maximum password length in bytes of UTF-8, as in
	// upstream Coder (which checks len(password) > 64).
	MaxLength = 64
	// MinEntropyBits is the minimum estimated strength. It is the threshold
	// upstream Coder uses with its entropy estimator, so passwords accepted
	// by one are, as far as the estimates agree, accepted by the other.
	MinEntropyBits = 52
)

// Errors returned by Validate. Their messages are meant for end users.
var (
	ErrTooShort  = errors.New("Password must be at least 8 characters long.")
	ErrTooLong   = errors.New("Password must be no more than 64 bytes long (letters, digits and common symbols count as one byte each; accented and non-Latin characters as two to four).")
	ErrTooCommon = errors.New("This password is too common and easy to guess. Choose a less predictable password.")
	ErrTooWeak   = errors.New("Password is too weak. Make it longer, or mix in upper-case letters, digits and symbols; repeated characters and sequences such as \"abc\", \"123\" or \"qwerty\" add little.")
)

// Validate checks that password meets the minimum requirements for a new
// password: MinLength characters, at most MaxLength bytes, not one of the
// most common passwords (also after stripping leading and trailing digits
// and symbols and undoing letter-for-digit swaps such as "p@ssw0rd"), and an
// estimated entropy of at least MinEntropyBits. The error is one of the Err
// values above.
func Validate(password string) error {
	if utf8.RuneCountInString(password) < MinLength {
		return ErrTooShort
	}
	if len(password) > MaxLength {
		return ErrTooLong
	}
	if isCommon(password) {
		return ErrTooCommon
	}
	if EntropyBits(password) < MinEntropyBits {
		return ErrTooWeak
	}
	return nil
}

// ValidateDetails runs Validate and returns the body fields of the
// POST /users/validate-password response: valid, and details explaining
// what is wrong ("" when valid).
func ValidateDetails(password string) (valid bool, details string) {
	if err := Validate(password); err != nil {
		return false, err.Error()
	}
	return true, ""
}

//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{}, 600)
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = struct{}{}
	}
	return m
}()

func isCommon(password string) bool {
	lower := strings.ToLower(password)
	trim := func(s string) string { return strings.TrimFunc(s, isDigitOrSymbol) }
	var candidates []string
	for _, s := range []string{lower, repeatedUnit(lower)} {
		for _, v := range []string{s, unleet(s, 'i'), unleet(s, 'l')} {
			candidates = append(candidates, v, trim(v))
		}
		stripped := trim(s)
		candidates = append(candidates, trim(unleet(stripped, 'i')), trim(unleet(stripped, 'l')))
	}
	for _, c := range candidates {
		if _, ok := commonPasswords[c]; ok {
			return true
		}
	}
	return false
}

// repeatedUnit returns u if s is u repeated two or more times, else s.
func repeatedUnit(s string) string {
	r := []rune(s)
	for n := 1; n <= len(r)/2; n++ {
		if len(r)%n != 0 {
			continue
		}
		unit := string(r[:n])
		if strings.Repeat(unit, len(r)/n) == s {
			return unit
		}
	}
	return s
}

func isDigitOrSymbol(r rune) bool {
	return r < utf8.RuneSelf && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z')
}

// unleet undoes common letter-for-digit/symbol swaps; one is the letter to
// use for '1' (i or l).
func unleet(s string, one rune) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '0':
			return 'o'
		case '1':
			return one
		case '3':
			return 'e'
		case '4', '@':
			return 'a'
		case '5', '$':
			return 's'
		case '7':
			return 't'
		}
		return r
	}, s)
}

const asciiSymbols = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// sequences whose runs of three or more characters (forwards or backwards)
// add almost nothing to a password's strength.
var sequences = []string{
	"abcdefghijklmnopqrstuvwxyz",
	"01234567890",
	"qwertyuiop",
	"asdfghjkl",
	"zxcvbnm",
	"!@#$%^&*()",
}

// EntropyBits estimates the strength of password in bits as
// log2(alphabet size) × effective length, where the alphabet is the union of
// the character classes used (26 lower-case, 26 upper-case, 10 digits,
// 33 ASCII symbols and space, and 32 for any non-ASCII characters) and the
// effective length does not count characters beyond the second in a run of
// one repeated character or of an alphabetic, numeric or keyboard sequence,
// and counts a password that is one string repeated ("abc1abc1") as that
// string once.
// It is a rough, deterministic estimate for rejecting weak passwords, not a
// measure of a password's true guessability.
func EntropyBits(password string) float64 {
	var lower, upper, digit, symbol, other bool
	for _, r := range password {
		switch {
		case 'a' <= r && r <= 'z':
			lower = true
		case 'A' <= r && r <= 'Z':
			upper = true
		case '0' <= r && r <= '9':
			digit = true
		case r < utf8.RuneSelf && strings.ContainsRune(asciiSymbols, r):
			symbol = true
		default:
			other = true
		}
	}
	base := 0
	for _, c := range []struct {
		used bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {symbol, len(asciiSymbols)}, {other, 32}} {
		if c.used {
			base += c.size
		}
	}
	if base == 0 {
		return 0
	}
	return math.Log2(float64(base)) * float64(effectiveLength(repeatedUnit(password)))
}

func effectiveLength(password string) int {
	runes := []rune(strings.ToLower(password))
	n := 0
	runLen, kind := 0, noRun
	for i, r := range runes {
		if i == 0 {
			runLen = 1
			n++
			continue
		}
		kinds := pairKinds(runes[i-1], r)
		switch {
		case kind != noRun && containsKind(kinds, kind):
			runLen++
		case len(kinds) > 0:
			runLen, kind = 2, kinds[0]
		default:
			runLen, kind = 1, noRun
		}
		if runLen <= 2 {
			n++
		}
	}
	return n
}

const (
	noRun     = -1
	repeatRun = -2
)

// pairKinds lists the kinds of run that a followed by b can be part of:
// repeatRun, or 2*i (forwards) / 2*i+1 (backwards) for sequences[i].
func pairKinds(a, b rune) []int {
	if a == b {
		return []int{repeatRun}
	}
	var kinds []int
	fwd, bwd := string([]rune{a, b}), string([]rune{b, a})
	for i, s := range sequences {
		if strings.Contains(s, fwd) {
			kinds = append(kinds, 2*i)
		}
		if strings.Contains(s, bwd) {
			kinds = append(kinds, 2*i+1)
		}
	}
	return kinds
}

func containsKind(kinds []int, k int) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
