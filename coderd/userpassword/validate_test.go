package userpassword_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/userpassword"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	const maxLen = "correct horse battery staple, then some more words to pad it out"
	require.Len(t, maxLen, userpassword.MaxLength)
	for _, tc := range []struct {
		name     string
		password string
		want     error
	}{
		{"Empty", "", userpassword.ErrTooShort},
		{"Short", "pass", userpassword.ErrTooShort},
		{"SevenStrong", "Xq7!bZ2", userpassword.ErrTooShort},
		{"SevenRunesManyBytes", "ñçüéößå", userpassword.ErrTooShort},
		{"TooLong", maxLen + "!", userpassword.ErrTooLong},
		{"MaxLength", maxLen, nil},
		{"TooLongMultibyte", strings.Repeat("пароль", 6), userpassword.ErrTooLong}, // 36 runes, 72 bytes

		{"CommonPassword", "password", userpassword.ErrTooCommon},
		{"CommonUpper", "PASSWORD", userpassword.ErrTooCommon},
		{"CommonDigits", "12345678", userpassword.ErrTooCommon},
		{"CommonQwerty", "qwertyuiop", userpassword.ErrTooCommon},
		{"CommonSuffix", "Password123!", userpassword.ErrTooCommon},
		{"CommonPrefix", "2024!Dragon", userpassword.ErrTooCommon},
		{"CommonLeet", "P@ssw0rd", userpassword.ErrTooCommon},
		{"CommonLeetSuffix", "P@55w0rd!!2024", userpassword.ErrTooCommon},
		{"CommonLeetL", "1etmein99", userpassword.ErrTooCommon},
		{"CommonKeyboard", "1qaz2wsx", userpassword.ErrTooCommon},
		{"CommonWelcome", "Welcome2025", userpassword.ErrTooCommon},
		{"CommonDoubled", "hunter2hunter2", userpassword.ErrTooCommon},
		{"WeakDoubled", "kdjfhgqpkdjfhgqp", userpassword.ErrTooWeak},

		{"WeakLowercase8", "kdjfhgqp", userpassword.ErrTooWeak},
		{"WeakLowercase10", "kdjfhgqpwz", userpassword.ErrTooWeak},
		{"WeakRepeated", "aaaaaaaaaaaaaaaaaaaa", userpassword.ErrTooWeak},
		{"WeakRepeatedPair", "Zz!9Zz!9zzzzzzzzzzzz", nil}, // long enough even so
		{"WeakSequence", "abcdefghijklmnopqrst", userpassword.ErrTooWeak},
		{"WeakReverseSequence", "9876543210zyxwvuts", userpassword.ErrTooWeak},
		{"WeakDigits", "8051937264", userpassword.ErrTooWeak},
		{"WeakKeyboardRun", "qwertyuiopasdfghjkl", userpassword.ErrTooWeak},

		{"OkMixed8", "Xq7!bZ2m", nil},
		{"OkUpstreamExample", "PasswordSecured123!", nil},
		{"OkPassphrase", "correct horse battery staple", nil},
		{"OkLongLowercase", "kdjfhgqpwzmx", nil},
		{"OkTroubadour", "Tr0ub4dor&3", nil},
		{"OkCoderTestPassword", "SomeSecurePassword!", nil},
		{"OkUnicode", "Пароль-Для-Входа-7", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := userpassword.Validate(tc.password)
			if tc.want == nil {
				require.NoError(t, err, "entropy %.1f", userpassword.EntropyBits(tc.password))
				return
			}
			require.ErrorIs(t, err, tc.want, "entropy %.1f", userpassword.EntropyBits(tc.password))
		})
	}
}

func TestValidateDetails(t *testing.T) {
	t.Parallel()
	valid, details := userpassword.ValidateDetails("correct horse battery staple")
	assert.True(t, valid)
	assert.Empty(t, details)

	valid, details = userpassword.ValidateDetails("short")
	assert.False(t, valid)
	assert.Equal(t, "Password must be at least 8 characters long.", details)

	valid, details = userpassword.ValidateDetails("password1")
	assert.False(t, valid)
	assert.Contains(t, details, "too common")
}

func TestEntropyBits(t *testing.T) {
	t.Parallel()
	assert.Zero(t, userpassword.EntropyBits(""))
	// 8 lower-case letters: 8 × log2(26).
	assert.InDelta(t, 37.6, userpassword.EntropyBits("kdjfhgqp"), 0.1)
	// All four ASCII classes: 8 × log2(95).
	assert.InDelta(t, 52.6, userpassword.EntropyBits("Xq7!bZ2m"), 0.1)
	// Runs count two characters only.
	assert.Equal(t, userpassword.EntropyBits("aa"), userpassword.EntropyBits("aaaaaaaa"))
	assert.Equal(t, userpassword.EntropyBits("ab"), userpassword.EntropyBits("abcdefgh"))
	assert.Equal(t, userpassword.EntropyBits("AB"), userpassword.EntropyBits("ABCDEFGH"))
	assert.Equal(t, userpassword.EntropyBits("qwab"), userpassword.EntropyBits("qwertyabcdef"))
}
