// Command terraformmirror prepares Terraform provider mirrors, ahead of
// any server, on a machine with Go.
//
// Usage:
//
//	go run ./scripts/terraformmirror [-cache-dir DIR] [-out DIR]
//	go run ./scripts/terraformmirror add -source SRC -address ADDR [-version V] -dir DIR
//
// Without a subcommand it builds the coder provider once into the mirror
// under the cache directory ($DEVPLANE_CACHE_DIR, else "devplane" under
// the user's cache directory: the one the tests use) and prints the
// offline Terraform CLI configuration file for it. With -out it also puts
// the provider into DIR in filesystem mirror layout: `make build` ships
// build/terraform-providers beside build/coder that way.
//
// add builds another provider from source (MODULE@VERSION through the Go
// module proxy, or a local directory) into the filesystem mirror DIR, for
// a server running with --terraform-offline --terraform-providers-dir DIR.
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "add" {
		err = add(ctx, os.Args[2:])
	} else {
		err = coder(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func coder(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("terraformmirror", flag.ExitOnError)
	cacheDir := fs.String("cache-dir", "", "cache directory (default $"+terraform.CacheDirEnv+" or the user cache directory)")
	out := fs.String("out", "", "also put the coder provider into this filesystem mirror directory (make build: build/"+terraform.ProvidersDirName+")")
	_ = fs.Parse(args)

	if *cacheDir == "" {
		dir, err := terraform.DefaultCacheDir()
		if err != nil {
			return err
		}
		*cacheDir = dir
	}
	m, err := terraform.EnsureProviderMirror(ctx, *cacheDir, func(msg string) { fmt.Fprintln(os.Stderr, msg) })
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "coder provider %s: %s\n", m.ProviderVersion, m.ProviderBinary)
	if *out != "" {
		path, err := terraform.CopyCoderProvider(m, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "coder provider %s placed in %s\n", m.ProviderVersion, path)
	}
	fmt.Println(m.CLIConfigFile)
	return nil
}

func add(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("terraformmirror add", flag.ExitOnError)
	var p terraform.AddProvider
	fs.StringVar(&p.Source, "source", "", "MODULE/PATH@vVERSION from the Go module proxy, or a local directory with the provider's main package")
	fs.StringVar(&p.Address, "address", "", "provider address templates use, e.g. registry.terraform.io/hashicorp/null")
	fs.StringVar(&p.Version, "version", "", "provider version (default: the module version of -source)")
	dir := fs.String("dir", "", "the filesystem mirror to add it to (the server's --terraform-providers-dir)")
	_ = fs.Parse(args)
	if p.Source == "" || p.Address == "" || *dir == "" {
		fs.Usage()
		return fmt.Errorf("add needs -source, -address and -dir")
	}
	fmt.Fprintf(os.Stderr, "Building %s from %s (the first build of a module takes a while)\n", p.Address, p.Source)
	path, err := terraform.AddProviderFromSource(ctx, *dir, p)
	if err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}
