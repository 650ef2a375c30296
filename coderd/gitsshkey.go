package coderd

import (
	"net/http"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/gitsshkey"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// @Summary Get user Git SSH key
// @ID get-user-git-ssh-key
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.GitSSHKey
// @Router /users/{user}/gitsshkey [get]
func (api *API) gitSSHKey(rw http.ResponseWriter, r *http.Request) {
	key, err := api.Database.GetGitSSHKey(r.Context(), httpmw.UserParam(r).ID)
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, convert.GitSSHKey(key))
}

// @Summary Regenerate user SSH key
// @ID regenerate-user-ssh-key
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.GitSSHKey
// @Router /users/{user}/gitsshkey [put]
func (api *API) regenerateGitSSHKey(rw http.ResponseWriter, r *http.Request) {
	private, public, err := gitsshkey.Generate()
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	key, err := api.Database.UpdateGitSSHKey(r.Context(), database.UpdateGitSSHKeyParams{
		UserID: httpmw.UserParam(r).ID, UpdatedAt: dbtime.Now(), PrivateKey: private, PublicKey: public,
	})
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	// The private key is redacted; the new public key is the news.
	audit.Updated(r.Context(), nil, key)
	httpapi.Write(r.Context(), rw, http.StatusOK, convert.GitSSHKey(key))
}
