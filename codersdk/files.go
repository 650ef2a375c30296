package codersdk

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/google/uuid"
)

// Content types POST /files accepts: template source archives.
const (
	ContentTypeTar = "application/x-tar"
	ContentTypeZip = "application/zip"
)

// UploadResponse names an uploaded file. The JSON key is "hash" for
// compatibility with Coder clients, but the value is the file's ID.
type UploadResponse struct {
	ID uuid.UUID `json:"hash" format:"uuid"`
}

// Upload stores an archive (ContentTypeTar or ContentTypeZip). Uploading
// bytes the caller has uploaded before returns the existing file's ID.
func (c *Client) Upload(ctx context.Context, contentType string, rd io.Reader) (UploadResponse, error) {
	var resp UploadResponse
	res, err := c.Request(ctx, http.MethodPost, "/api/v2/files", rd, func(r *http.Request) {
		r.Header.Set("Content-Type", contentType)
	})
	if err != nil {
		return resp, err
	}
	// 201 for a new file, 200 when the caller already had these bytes.
	want := http.StatusCreated
	if res.StatusCode == http.StatusOK {
		want = http.StatusOK
	}
	return resp, decodeJSON(res, want, &resp)
}

// Download returns a file's bytes and its content type.
func (c *Client) Download(ctx context.Context, id uuid.UUID) ([]byte, string, error) {
	res, err := c.Request(ctx, http.MethodGet, fmt.Sprintf("/api/v2/files/%s", id), nil)
	if err != nil {
		return nil, "", err
	}
	if res.StatusCode != http.StatusOK {
		return nil, "", ReadBodyAsError(res)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, "", err
	}
	return data, res.Header.Get("Content-Type"), nil
}
