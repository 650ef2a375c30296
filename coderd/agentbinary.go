package coderd

import (
	"fmt"
	"net/http"
	"os"
	"runtime"

	"github.com/go-chi/chi/v5"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
)

// agentBinary serves the server's own executable as the workspace agent
// (`coder agent`) for the platform it runs on, at GET /bin/coder-{os}-{arch}
// outside /api/v2 as in Coder; the bootstrap script in
// coder_agent.init_script downloads it from here. Public, as Coder's /bin
// is: the binary holds no secret.
func (api *API) agentBinary(rw http.ResponseWriter, r *http.Request) {
	goos, goarch := chi.URLParam(r, "os"), chi.URLParam(r, "arch")
	if goos != runtime.GOOS || goarch != runtime.GOARCH || api.AgentBinaryPath == "" {
		httpapi.Write(r.Context(), rw, http.StatusNotFound, codersdk.Response{
			Message: fmt.Sprintf("No agent binary for %s/%s.", goos, goarch),
			Detail:  fmt.Sprintf("This server serves only its own platform, %s/%s; put the agent in the workspace image for others.", runtime.GOOS, runtime.GOARCH),
		})
		return
	}
	f, err := os.Open(api.AgentBinaryPath)
	if err != nil {
		httpapi.InternalServerError(rw, xerrors.Errorf("open the agent binary %s: %w", api.AgentBinaryPath, err))
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		httpapi.InternalServerError(rw, err)
		return
	}
	rw.Header().Set("Content-Type", "application/octet-stream")
	rw.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(rw, r, "coder", st.ModTime(), f)
}
