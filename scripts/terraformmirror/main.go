// Command terraformmirror prepares the offline Terraform provider mirror
// the Terraform provisioner uses, so CI and servers can build it ahead of
// the first job. It prints the Terraform CLI configuration file to use
// (TF_CLI_CONFIG_FILE) on standard output.
//
// Usage:
//
//	go run ./scripts/terraformmirror [-cache-dir DIR]
//
// The default cache directory is $DEVPLANE_CACHE_DIR, else "devplane" under
// the user's cache directory: the one the provisioner's tests use. A server
// keeps its mirror under its --cache-dir; pass that directory to prepare it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/devplane/devplane/coderd/provisionerd/terraform"
)

func main() {
	cacheDir := flag.String("cache-dir", "", "cache directory (default $"+terraform.CacheDirEnv+" or the user cache directory)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *cacheDir == "" {
		dir, err := terraform.DefaultCacheDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		*cacheDir = dir
	}
	m, err := terraform.EnsureProviderMirror(ctx, *cacheDir, func(msg string) { fmt.Fprintln(os.Stderr, msg) })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "coder provider %s: %s\n", m.ProviderVersion, m.ProviderBinary)
	fmt.Println(m.CLIConfigFile)
}
