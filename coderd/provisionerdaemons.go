package coderd

import (
	"context"
	"fmt"

	"cdr.dev/slog"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// ProvisionerDaemonsOptions configures the server's own daemons.
type ProvisionerDaemonsOptions struct {
	// Count is the number of daemons; each runs one job at a time.
	Count int
	// WorkDir holds the per-job directories.
	WorkDir string
	// TerraformPath is the terraform binary (default "terraform" from
	// PATH).
	TerraformPath string
	// CacheDir holds Terraform's generated CLI configuration and plugin
	// cache (default: the user cache directory; see
	// terraform.DefaultCacheDir).
	CacheDir string
	// Terraform says where providers come from (see terraform.Options).
	TerraformProvidersDir     string
	TerraformOffline          bool
	TerraformNetworkMirrorURL string
	TerraformPluginCacheDir   string
	// PrepareTerraform checks at once that terraform and the coder
	// provider are there, so that a broken setup is logged at start.
	PrepareTerraform bool
	// NamePrefix names the daemons NamePrefix-1, -2, ...; default the host
	// name and the first 8 digits of the replica id, so replicas on one
	// host are told apart and a job's worker names its replica.
	NamePrefix string
}

// StartProvisionerDaemons runs daemons inside this process, registered in
// the default organization and serving every organization, with the echo
// and Terraform provisioners, plus the hang detector. The returned function
// stops them all; call it before the database closes.
func (api *API) StartProvisionerDaemons(ctx context.Context, opts ProvisionerDaemonsOptions) (func(), error) {
	org, err := api.Database.GetDefaultOrganization(dbauthz.AsStartup(ctx))
	if err != nil {
		return nil, xerrors.Errorf("find default organization: %w", err)
	}
	replicaID := api.ReplicaID
	prefix := opts.NamePrefix
	if prefix == "" {
		prefix = api.replicaHostname() + "-" + replicaID.String()[:8]
	}
	// The jobs this replica's daemons left unfinished in an earlier life of
	// the process (same replica id) are settled before they start.
	recovered, err := provisionerd.RecoverJobs(ctx, api.Database, api.Pubsub, api.Logger.Named("provisionerd"), replicaID)
	if err != nil {
		// Failover or the hang detector settles what is left, later.
		api.Logger.Error(ctx, "settle the jobs of the previous run", slog.Error(err))
	}
	if recovered != (provisionerd.Recovered{}) {
		api.Logger.Warn(ctx, "settled the jobs this server was running when it stopped",
			slog.F("failed", recovered.Failed), slog.F("requeued", recovered.Requeued), slog.F("canceled", recovered.Canceled))
	}
	// One Terraform provisioner serves every daemon: it is safe for
	// concurrent use and shares the provider mirror.
	tf := terraform.New(terraform.Options{
		TerraformPath:    opts.TerraformPath,
		CacheDir:         opts.CacheDir,
		ProvidersDir:     opts.TerraformProvidersDir,
		Offline:          opts.TerraformOffline,
		NetworkMirrorURL: opts.TerraformNetworkMirrorURL,
		PluginCacheDir:   opts.TerraformPluginCacheDir,
		Logger:           api.Logger.Named("terraform"),
		Env:              terraform.AgentScriptEnv(),
	})
	provisioners := map[database.ProvisionerType]provisioner.Provisioner{
		database.ProvisionerTypeEcho:      echo.New(),
		database.ProvisionerTypeTerraform: tf,
	}
	count, workDir := opts.Count, opts.WorkDir

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
			Name:           fmt.Sprintf("%s-%d", prefix, i+1),
			ReplicaID:      replicaID,
			WorkDir:        workDir,
			AccessURL:      api.AccessURL.String(),
			PollInterval:   api.DeploymentValues.Provisioner.DaemonPollInterval.Value(),
		})
		if err != nil {
			stop()
			return nil, xerrors.Errorf("start provisioner daemon %d: %w", i+1, err)
		}
		daemons = append(daemons, d)
	}
	if opts.PrepareTerraform && count > 0 {
		go func() {
			if err := tf.Prepare(ctx); err != nil && ctx.Err() == nil {
				api.Logger.Warn(ctx, "terraform is not ready; terraform jobs will fail until it is", slog.Error(err))
			}
		}()
	}
	go provisionerd.RunHangDetector(ctx, provisionerd.HangDetectorOptions{
		Logger:    api.Logger.Named("hang-detector"),
		DB:        api.Database,
		Pubsub:    api.Pubsub,
		Threshold: api.DeploymentValues.Provisioner.HangTimeout.Value(),
	})
	return stop, nil
}
