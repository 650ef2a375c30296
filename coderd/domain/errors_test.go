package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/domain"
)

func TestFields(t *testing.T) {
	t.Parallel()
	var f domain.Fields
	f.Check("name", "")
	require.NoError(t, f.Err("Invalid."), "no problem, no error")
	f.Check("name", "must not be empty")
	f.Check("ttl_ms", "too long")
	err := xerrors.Errorf("create: %w", f.Err("Invalid."))
	e, ok := domain.As(err)
	require.True(t, ok, "the kind survives wrapping")
	assert.Equal(t, domain.KindInvalid, e.Kind)
	assert.Equal(t, []domain.FieldError{{Field: "name", Detail: "must not be empty"}, {Field: "ttl_ms", Detail: "too long"}}, e.Fields)
	assert.Contains(t, err.Error(), "name: must not be empty")
	assert.True(t, domain.IsKind(err, domain.KindInvalid))
	assert.False(t, domain.IsKind(err, domain.KindConflict))
}

func TestNameValid(t *testing.T) {
	t.Parallel()
	assert.Empty(t, domain.NameValid("jane-doe"))
	for _, bad := range []string{"", "me", "-x", "a--b", "thirty-three-characters-long-name"} {
		assert.NotEmpty(t, domain.NameValid(bad), bad)
	}
	assert.NotEmpty(t, domain.DisplayNameValid(" padded"))
	assert.NotEmpty(t, domain.EmailValid("Jane <jane@example.com>"))
	assert.Empty(t, domain.EmailValid("jane@example.com"))
}
