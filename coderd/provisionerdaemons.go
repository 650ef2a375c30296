package coderd

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// StartProvisionerDaemons runs count daemons inside this process, registered
// in the default organization and serving every organization, plus the
// hang detector. The returned function stops them all; call it before the
// database closes.
func (api *API) StartProvisionerDaemons(ctx context.Context, count int, workDir string) (func(), error) {
	org, err := api.Database.GetDefaultOrganization(dbauthz.AsStartup(ctx))
	if err != nil {
		return nil, xerrors.Errorf("find default organization: %w", err)
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "coderd"
	}
	provisioners := map[database.ProvisionerType]provisioner.Provisioner{
		database.ProvisionerTypeEcho: echo.New(),
	}

	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var daemons []*provisionerd.Daemon
	stop := func() {
		for _, d := range daemons {
			_ = d.Close()
		}
		cancel()
	}
	for i := range count {
		d, err := provisionerd.New(ctx, provisionerd.Options{
			Logger:         api.Logger.Named(fmt.Sprintf("provisionerd-%d", i+1)),
			DB:             api.Database,
			Pubsub:         api.Pubsub,
			Provisioners:   provisioners,
			OrganizationID: org.ID,
			Name:           fmt.Sprintf("%s-%d", host, i+1),
			WorkDir:        workDir,
			PollInterval:   api.DeploymentValues.Provisioner.DaemonPollInterval.Value(),
		})
		if err != nil {
			stop()
			return nil, xerrors.Errorf("start provisioner daemon %d: %w", i+1, err)
		}
		daemons = append(daemons, d)
	}
	go provisionerd.RunHangDetector(ctx, provisionerd.HangDetectorOptions{
		Logger: api.Logger.Named("hang-detector"),
		DB:     api.Database,
		Pubsub: api.Pubsub,
	})
	return stop, nil
}
