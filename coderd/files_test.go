package coderd_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/codersdk"
)

func TestPostFile(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	data := pvTar(t, map[string]string{"main.tf": "# hello\n"})

	first, err := f.owner.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(data))
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, first.ID)

	t.Run("SameBytesSameUploaderIsTheSameFile", func(t *testing.T) {
		t.Parallel()
		res, err := f.owner.Request(ctx, http.MethodPost, "/api/v2/files", bytes.NewReader(data), pvContentType(codersdk.ContentTypeTar))
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "an existing file answers 200")
		again, err := f.owner.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(data))
		require.NoError(t, err)
		assert.Equal(t, first.ID, again.ID)
	})

	t.Run("OtherUploaderGetsOwnFile", func(t *testing.T) {
		t.Parallel()
		theirs, err := f.member.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(data))
		require.NoError(t, err)
		assert.NotEqual(t, first.ID, theirs.ID)
	})

	t.Run("Zip", func(t *testing.T) {
		t.Parallel()
		zipped, err := archive.CreateZip(map[string]string{"main.tf": "# zipped\n"})
		require.NoError(t, err)
		res, err := f.owner.Request(ctx, http.MethodPost, "/api/v2/files", bytes.NewReader(zipped), pvContentType(codersdk.ContentTypeZip))
		require.NoError(t, err)
		defer res.Body.Close()
		assert.Equal(t, http.StatusCreated, res.StatusCode)
	})

	t.Run("TooLarge", func(t *testing.T) {
		t.Parallel()
		big := bytes.Repeat([]byte{0}, 10<<20+1)
		_, err := f.owner.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(big))
		pvRequireStatus(t, err, http.StatusRequestEntityTooLarge)
	})

	t.Run("WrongContentType", func(t *testing.T) {
		t.Parallel()
		_, err := f.owner.Upload(ctx, "text/plain", bytes.NewReader(data))
		apiErr := pvRequireStatus(t, err, http.StatusUnsupportedMediaType)
		assert.Contains(t, apiErr.Detail, codersdk.ContentTypeTar)
		_, err = f.owner.Upload(ctx, "", bytes.NewReader(data))
		pvRequireStatus(t, err, http.StatusUnsupportedMediaType)
	})

	t.Run("Corrupt", func(t *testing.T) {
		t.Parallel()
		_, err := f.owner.Upload(ctx, codersdk.ContentTypeTar, strings.NewReader(strings.Repeat("not a tar archive ", 64)))
		apiErr := pvRequireStatus(t, err, http.StatusBadRequest)
		assert.Contains(t, strings.ToLower(apiErr.Message), "the archive is corrupt")
		_, err = f.owner.Upload(ctx, codersdk.ContentTypeZip, bytes.NewReader(data))
		pvRequireStatus(t, err, http.StatusBadRequest)
	})

	t.Run("Unauthenticated", func(t *testing.T) {
		t.Parallel()
		anon := coderdtest.Anonymous(f.owner)
		_, err := anon.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(data))
		pvRequireStatus(t, err, http.StatusUnauthorized)
	})
}

func TestGetFile(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	data := pvTar(t, map[string]string{"main.tf": "# round trip\n", "sub/": ""})

	up, err := f.member.Upload(ctx, codersdk.ContentTypeTar+"; charset=binary", bytes.NewReader(data))
	require.NoError(t, err)

	got, contentType, err := f.member.Download(ctx, up.ID)
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.Equal(t, codersdk.ContentTypeTar, contentType, "the media type, without parameters")

	// The owner and template admins read everyone's files.
	for name, c := range map[string]*codersdk.Client{"owner": f.owner, "template-admin": f.templateAdmin} {
		got, _, err := c.Download(ctx, up.ID)
		require.NoError(t, err, name)
		assert.Equal(t, data, got, name)
	}

	// Another member cannot see it, nor can an outsider.
	other, _ := pvAnotherMember(t, f)
	_, _, err = other.Download(ctx, up.ID)
	pvRequireStatus(t, err, http.StatusNotFound)
	_, _, err = f.outsider.Download(ctx, up.ID)
	pvRequireStatus(t, err, http.StatusNotFound)

	_, _, err = f.owner.Download(ctx, uuid.New())
	pvRequireStatus(t, err, http.StatusNotFound)

	res, err := f.owner.Request(ctx, http.MethodGet, "/api/v2/files/not-a-uuid", nil)
	require.NoError(t, err)
	apiErr := pvRequireStatus(t, codersdk.ReadBodyAsError(res), http.StatusBadRequest)
	pvRequireField(t, apiErr, "fileID")
}

// pvContentType sets a request's Content-Type.
func pvContentType(ct string) codersdk.RequestOption {
	return func(r *http.Request) { r.Header.Set("Content-Type", ct) }
}

// pvAnotherMember adds one more plain member to the fixture's organization.
func pvAnotherMember(t *testing.T, f *provFixture) (*codersdk.Client, codersdk.User) {
	t.Helper()
	return coderdtest.CreateAnotherUser(t, f.owner, f.orgID)
}
