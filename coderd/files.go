package coderd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// maxFileBytes bounds an uploaded archive. Templates are mostly text; the
// expanded size is bounded separately by archive.Validate.
const maxFileBytes = 10 << 20

// @Summary Upload file
// @Description Stores a template source archive. Uploading bytes you have
// @Description uploaded before answers 200 with the existing file's ID.
// @ID upload-file
// @Security CoderSessionToken
// @Accept application/x-tar,application/zip
// @Produce json
// @Tags Files
// @Param Content-Type header string true "Content-Type must be `application/x-tar` or `application/zip`" default(application/x-tar)
// @Param file formData file true "File to be uploaded. If using tar format, file must conform to ustar (pax may cause problems)."
// @Success 201 {object} codersdk.UploadResponse
// @Success 200 {object} codersdk.UploadResponse
// @Failure 400 {object} codersdk.Response
// @Failure 413 {object} codersdk.Response
// @Failure 415 {object} codersdk.Response
// @Router /files [post]
func (api *API) postFile(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)

	contentType := r.Header.Get("Content-Type")
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil || (mediaType != codersdk.ContentTypeTar && mediaType != codersdk.ContentTypeZip) {
		httpapi.Write(ctx, rw, http.StatusUnsupportedMediaType, codersdk.Response{
			Message: fmt.Sprintf("Unsupported content type %q.", contentType),
			Detail:  fmt.Sprintf("Upload a template archive as %s or %s.", codersdk.ContentTypeTar, codersdk.ContentTypeZip),
		})
		return
	}

	data, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxFileBytes))
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		httpapi.Write(ctx, rw, http.StatusRequestEntityTooLarge, codersdk.Response{
			Message: "File is too large.",
			Detail:  "The limit is " + strconv.Itoa(maxFileBytes) + " bytes.",
		})
		return
	case err != nil:
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Failed to read the request body.", Detail: err.Error()})
		return
	}
	if err := archive.Validate(data, mediaType); err != nil {
		if !archive.IsInvalid(err) {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "The archive is corrupt: " + err.Error(),
			Detail:  fmt.Sprintf("The body must be a well-formed %s archive of a template.", mediaType),
		})
		return
	}

	id, created, err := api.storeFile(ctx, auth.Key.UserID, mediaType, data)
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to upload files."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	// The content is not logged, only what it was; an upload of a file the
	// user already had is recorded too, as deduplicated.
	audit.SetResource(ctx, audit.Resource{ID: id})
	audit.SetField(ctx, "mimetype", mediaType)
	audit.SetField(ctx, "size", len(data))
	audit.SetField(ctx, "deduplicated", !created)
	httpapi.Write(ctx, rw, status, codersdk.UploadResponse{ID: id})
}

// storeFile stores data as a file of userID, or finds the copy that user
// stored before (files are deduplicated per uploader by hash). created
// says which.
func (api *API) storeFile(ctx context.Context, userID uuid.UUID, mediaType string, data []byte) (id uuid.UUID, created bool, err error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	existing := func() (uuid.UUID, bool, error) {
		f, err := api.Database.GetFileByHashAndCreator(ctx, database.GetFileByHashAndCreatorParams{Hash: hash, CreatedBy: userID})
		if errors.Is(err, database.ErrNoRows) {
			return uuid.Nil, false, nil
		}
		return f.ID, err == nil, err
	}
	if id, ok, err := existing(); err != nil || ok {
		return id, false, err
	}
	file, err := api.Database.InsertFile(ctx, database.InsertFileParams{
		ID: uuid.New(), Hash: hash, CreatedAt: dbtime.Now(), CreatedBy: userID,
		Mimetype: mediaType, Data: data,
	})
	if database.IsUniqueViolation(err) {
		// The same bytes arrived in a concurrent request.
		id, ok, err := existing()
		if err == nil && !ok {
			err = xerrors.New("a file with this hash conflicted but cannot be found")
		}
		return id, false, err
	}
	if err != nil {
		return uuid.Nil, false, err
	}
	return file.ID, true, nil
}

// @Summary Get file by ID
// @ID get-file-by-id
// @Security CoderSessionToken
// @Tags Files
// @Param fileID path string true "File ID" format(uuid)
// @Success 200
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /files/{fileID} [get]
func (*API) fileByID(rw http.ResponseWriter, r *http.Request) {
	file := httpmw.FileParam(r)
	rw.Header().Set("Content-Type", file.Mimetype)
	rw.Header().Set("Content-Length", strconv.Itoa(len(file.Data)))
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(file.Data)
}
