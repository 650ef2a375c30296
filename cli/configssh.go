package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

// The markers around the block config-ssh owns in ~/.ssh/config (Coder's).
const (
	sshConfigStart = "# ------------START-CODER-----------"
	sshConfigEnd   = "# ------------END-CODER------------"
)

func (r *RootCmd) configSSH() *serpent.Command {
	var (
		configFile string
		hostPrefix string
		dryRun     bool
		options    []string
	)
	return &serpent.Command{
		Use:   "config-ssh",
		Short: "Add a block to your SSH configuration so that ssh, scp, rsync and IDEs reach workspaces as <prefix><workspace>.",
		Long: "Writes a block between \"" + sshConfigStart + "\" and \"" + sshConfigEnd + "\" (replacing an earlier one) whose ProxyCommand is `coder ssh --stdio`.\n\n" +
			formatExamples(
				example{Description: "Configure and connect", Command: "coder config-ssh --yes && ssh coder.my-workspace"},
				example{Description: "See what would change", Command: "coder config-ssh --dry-run"},
			),
		Middleware: serpent.RequireNArgs(0),
		Options: serpent.OptionSet{
			{Flag: "ssh-config-file", Env: "CODER_SSH_CONFIG_FILE", Default: "~/.ssh/config", Description: "The SSH configuration file to change.", Value: serpent.StringOf(&configFile)},
			{Flag: "ssh-host-prefix", Env: "CODER_CONFIGSSH_SSH_HOST_PREFIX", Default: "coder.", Description: "The prefix of the host names of workspaces.", Value: serpent.StringOf(&hostPrefix)},
			{Flag: "ssh-option", FlagShorthand: "o", Env: "CODER_SSH_CONFIG_OPTS", Description: "Extra options for the hosts, as in ssh_config (e.g. \"ForwardAgent=yes\").", Value: serpent.StringArrayOf(&options)},
			{Flag: "dry-run", FlagShorthand: "n", Env: "CODER_SSH_DRY_RUN", Description: "Print the change instead of writing it.", Value: serpent.BoolOf(&dryRun)},
			cliui.SkipPromptOption(),
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			if hostPrefix == "" || strings.ContainsAny(hostPrefix, " \t*?") {
				return xerrors.Errorf("--ssh-host-prefix %q must be non-empty, without spaces or wildcards", hostPrefix)
			}
			path, err := expandHome(configFile)
			if err != nil {
				return err
			}
			exe, err := os.Executable()
			if err != nil {
				return xerrors.Errorf("find this binary: %w", err)
			}
			globalConfig, err := filepath.Abs(string(r.Config()))
			if err != nil {
				return err
			}
			workspaces, err := client.Workspaces(ctx, codersdk.WorkspaceFilter{FilterQuery: "owner:me"})
			if err != nil {
				return xerrors.Errorf("list your workspaces: %w", err)
			}
			block := sshConfigBlock(exe, globalConfig, hostPrefix, options, workspaces.Workspaces)

			old, err := os.ReadFile(path)
			if err != nil && !os.IsNotExist(err) {
				return xerrors.Errorf("read %s: %w", path, err)
			}
			updated, err := replaceSSHConfigBlock(old, block)
			if err != nil {
				return xerrors.Errorf("%s: %w", path, err)
			}
			if bytes.Equal(old, updated) {
				_, _ = fmt.Fprintf(inv.Stdout, "%s is up to date.\n", path)
				return nil
			}
			if dryRun {
				_, _ = fmt.Fprintf(inv.Stdout, "Dry run: %s would get this block:\n\n%s", path, block)
				return nil
			}
			if _, err := cliui.Prompt(inv, cliui.PromptOptions{
				Text:      fmt.Sprintf("Write the coder block (hosts %s*) to %s?", hostPrefix, path),
				IsConfirm: true,
			}); err != nil {
				return err
			}
			if err := writeFileAtomic(path, updated); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(inv.Stdout, "Updated %s. Connect with: ssh %s<workspace>\n", path, hostPrefix)
			return nil
		},
	}
}

// sshConfigBlock is the marked block: one wildcard host for every
// workspace (new ones included) and a named host per current workspace
// and agent, so shells can complete them.
func sshConfigBlock(exe, globalConfig, prefix string, extra []string, workspaces []codersdk.Workspace) string {
	var names []string
	for _, ws := range workspaces {
		names = append(names, ws.Name)
		var agents []string
		for _, res := range ws.LatestBuild.Resources {
			for _, a := range res.Agents {
				agents = append(agents, a.Name)
			}
		}
		if len(agents) > 1 {
			for _, a := range agents {
				names = append(names, ws.Name+"."+a)
			}
		}
	}
	sort.Strings(names)

	var b strings.Builder
	b.WriteString(sshConfigStart + "\n")
	b.WriteString("# This section is managed by coder. DO NOT EDIT.\n")
	b.WriteString("#\n# Changes here are lost when \"coder config-ssh\" runs again.\n#\n")
	hosts := prefix + "*"
	for _, n := range names {
		hosts += " " + prefix + n
	}
	fmt.Fprintf(&b, "Host %s\n", hosts)
	for _, o := range extra {
		fmt.Fprintf(&b, "\t%s\n", o)
	}
	b.WriteString("\tConnectTimeout=0\n")
	b.WriteString("\tStrictHostKeyChecking=no\n")
	b.WriteString("\tUserKnownHostsFile=/dev/null\n")
	b.WriteString("\tLogLevel ERROR\n")
	fmt.Fprintf(&b, "\tProxyCommand %s --global-config %s ssh --stdio --ssh-host-prefix %s %%h\n",
		sshConfigQuote(exe), sshConfigQuote(globalConfig), sshConfigQuote(prefix))
	b.WriteString(sshConfigEnd + "\n")
	return b.String()
}

// sshConfigQuote quotes a ProxyCommand word for the shell ssh runs it with.
func sshConfigQuote(s string) string {
	if !strings.ContainsAny(s, " \t\"'\\$`%") {
		return s
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, "%", "%%"), "'", `'\''`) + "'"
}

// replaceSSHConfigBlock swaps the marked block for block, or appends it
// (after a blank line) when there is none. Only one block is allowed.
func replaceSSHConfigBlock(old []byte, block string) ([]byte, error) {
	s := string(old)
	start := strings.Index(s, sshConfigStart)
	end := strings.Index(s, sshConfigEnd)
	switch {
	case start < 0 && end < 0:
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		if s != "" {
			s += "\n"
		}
		return []byte(s + block), nil
	case start < 0 || end < start:
		return nil, xerrors.New("the coder block's markers are unbalanced; fix or remove them by hand")
	case strings.Count(s, sshConfigStart) > 1:
		return nil, xerrors.New("more than one coder block; remove all but one by hand")
	}
	after := s[end+len(sshConfigEnd):]
	after = strings.TrimPrefix(after, "\n")
	return []byte(s[:start] + block + after), nil
}

func expandHome(path string) (string, error) {
	if path == "~" || strings.HasPrefix(path, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", xerrors.Errorf("find the home directory: %w", err)
		}
		return filepath.Join(home, strings.TrimPrefix(path[1:], "/")), nil
	}
	return path, nil
}

// writeFileAtomic replaces path by a renamed temporary file, so ssh never
// reads half a config; the directory is made private if it is new.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return xerrors.Errorf("create %s: %w", dir, err)
	}
	mode := os.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, ".ssh-config-*")
	if err != nil {
		return xerrors.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return xerrors.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return xerrors.Errorf("replace %s: %w", path, err)
	}
	return nil
}
