package cli

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/coder/serpent"
	"github.com/google/uuid"
	"golang.org/x/xerrors"
	"gopkg.in/yaml.v3"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/examples"
)

type templatePushOptions struct {
	org             string
	directory       string
	variables       []string
	vars            []string
	variablesFile   string
	provisionerTags []string
	versionName     string
	message         string
	activate        bool
	provisioner     string
	ignoreLockfile  bool
	displayName     string
	icon            string
}

func (r *RootCmd) templatePush() *serpent.Command {
	var o templatePushOptions
	return &serpent.Command{
		Use:   "push [template]",
		Short: "Create or update a template from the current directory or as specified by flag",
		Long: "Uploads the directory as a tar archive, streams the import log, and makes the new version active. " +
			"The template is created when it does not exist. Its name defaults to the directory's name.\n\n" +
			formatExamples(
				example{Command: "coder templates push my-template -d ./my-template --yes"},
				example{Description: "Set Terraform variables", Command: "coder templates push my-template --variable region=eu-west --variables-file vars.yaml"},
				example{Description: "Upload without activating the new version", Command: "coder templates push my-template --activate=false -m \"try a bigger disk\""},
			),
		Middleware: serpent.RequireRangeArgs(0, 1),
		Options: serpent.OptionSet{
			{Flag: "variables-file", Description: "Specify a file path with values for Terraform-managed variables.", Value: serpent.StringOf(&o.variablesFile)},
			{Flag: "variable", Description: "Specify a set of values for Terraform-managed variables.", Value: serpent.StringArrayOf(&o.variables)},
			{Flag: "var", Description: "Alias of --variable.", Value: serpent.StringArrayOf(&o.vars)},
			{Flag: "provisioner-tag", Description: "Specify a set of tags to target provisioner daemons. If you do not specify any tags, the tags from the active template version will be reused, if available. To remove existing tags, use --provisioner-tag=\"-\".", Value: serpent.StringArrayOf(&o.provisionerTags)},
			{Flag: "name", Description: "Specify a name for the new template version. It will be automatically generated if not provided.", Value: serpent.StringOf(&o.versionName)},
			{Flag: "activate", Default: "true", Description: "Whether the new template will be marked active.", Value: serpent.BoolOf(&o.activate)},
			{Flag: "directory", FlagShorthand: "d", Default: ".", Description: "Specify the directory to create from, use '-' to read tar from stdin.", Value: serpent.StringOf(&o.directory)},
			{Flag: "message", FlagShorthand: "m", Description: "Specify a message describing the changes in this version of the template. Messages longer than 72 characters will be displayed as truncated.", Value: serpent.StringOf(&o.message)},
			{Flag: "ignore-lockfile", Default: "false", Description: "Ignore warnings about not having a .terraform.lock.hcl file present in the template.", Value: serpent.BoolOf(&o.ignoreLockfile)},
			{Flag: "display-name", Description: "Specify a display name for the template.", Value: serpent.StringOf(&o.displayName)},
			{Flag: "icon", Description: "Specify an icon path or external URL for the template.", Value: serpent.StringOf(&o.icon)},
			{Flag: "provisioner", Description: "The provisioner that imports the template: terraform or echo. By default echo when the directory has an echo.yaml and no .tf files, terraform otherwise.", Value: serpent.EnumOf(&o.provisioner, "", "terraform", "echo")},
			organizationOption(&o.org),
			cliui.SkipPromptOption(),
		},
		Handler: func(inv *serpent.Invocation) error {
			return r.runTemplatePush(inv, &o)
		},
	}
}

func (r *RootCmd) runTemplatePush(inv *serpent.Invocation, o *templatePushOptions) error {
	ctx := inv.Context()
	client, err := r.Client(inv)
	if err != nil {
		return err
	}
	org, err := r.selectOrganization(inv, client, o.org)
	if err != nil {
		return err
	}
	name, err := pushTemplateName(inv, o.directory)
	if err != nil {
		return err
	}

	existing, err := client.TemplateByName(ctx, org.ID, name)
	var apiErr *codersdk.Error
	exists := err == nil
	if err != nil && !(errors.As(err, &apiErr) && apiErr.StatusCode() == 404) {
		return xerrors.Errorf("look up template %q: %w", name, err)
	}

	values, err := variableValues(o.variablesFile, append(o.variables, o.vars...))
	if err != nil {
		return err
	}
	tags, err := r.pushTags(ctx, client, existing, exists, o.provisionerTags)
	if err != nil {
		return err
	}

	if o.directory != "-" {
		if _, err := cliui.Prompt(inv, cliui.PromptOptions{
			Text:      fmt.Sprintf("Upload %q?", displayDir(o.directory)),
			IsConfirm: true,
		}); err != nil {
			return err
		}
	}
	data, names, err := readTemplateSource(inv, o.directory)
	if err != nil {
		return err
	}
	provisioner := codersdk.ProvisionerType(o.provisioner)
	if provisioner == "" {
		provisioner = detectProvisioner(names)
	}
	if provisioner == codersdk.ProvisionerTypeTerraform && !o.ignoreLockfile && !slices.Contains(names, ".terraform.lock.hcl") {
		// Without a lock file each import may pick other provider versions.
		_, _ = fmt.Fprintf(inv.Stderr, "%s No .terraform.lock.hcl file found: provider versions are not pinned. Run 'terraform init' in the template directory to create one, or pass --ignore-lockfile.\n", cliui.Warn(ctx, "WARN:"))
	}
	upload, err := client.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(data))
	if err != nil {
		return xerrors.Errorf("upload the template: %w", err)
	}

	req := codersdk.CreateTemplateVersionRequest{
		Name:               o.versionName,
		Message:            o.message,
		StorageMethod:      codersdk.ProvisionerStorageMethodFile,
		FileID:             upload.ID,
		Provisioner:        provisioner,
		ProvisionerTags:    tags,
		UserVariableValues: values,
	}
	if exists {
		req.TemplateID = existing.ID
	}
	version, err := importVersion(inv, client, org.ID, req)
	if err != nil {
		return err
	}

	if !exists {
		t, err := client.CreateTemplate(ctx, org.ID, codersdk.CreateTemplateRequest{Name: name, VersionID: version.ID, DisplayName: o.displayName, Icon: o.icon})
		if err != nil {
			return xerrors.Errorf("create template %q: %w", name, err)
		}
		_, _ = fmt.Fprintf(inv.Stdout, "\nTemplate %s has been created at %s! Developers can provision a workspace with this template using:\n\n\t%s\n\n",
			cliui.Code(ctx, t.Name), cliui.Bold(ctx, time.Now().Format(time.Stamp)), cliui.Code(ctx, "coder create --template="+t.Name+" [workspace name]"))
		return nil
	}
	if o.activate {
		if err := client.UpdateActiveTemplateVersion(ctx, existing.ID, codersdk.UpdateActiveTemplateVersion{ID: version.ID}); err != nil {
			return xerrors.Errorf("activate version %q: %w", version.Name, err)
		}
	}
	if o.displayName != "" || o.icon != "" {
		edit := templateEditOptions{displayName: o.displayName, icon: o.icon}
		req := editRequest(existing, &edit, func(flag string) bool {
			return (flag == "display-name" && o.displayName != "") || (flag == "icon" && o.icon != "")
		})
		if _, err := client.UpdateTemplateMeta(ctx, existing.ID, req); err != nil {
			return xerrors.Errorf("update template %q: %w", name, err)
		}
	}
	_, _ = fmt.Fprintf(inv.Stdout, "Updated version at %s!\n", cliui.Bold(ctx, time.Now().Format(time.Stamp)))
	return nil
}

// pushTemplateName is the argument, else the directory's base name, as
// Coder does.
func pushTemplateName(inv *serpent.Invocation, dir string) (string, error) {
	if len(inv.Args) == 1 {
		return inv.Args[0], nil
	}
	if dir == "-" {
		return "", xerrors.New("give the template name as an argument when reading the archive from stdin")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", xerrors.Errorf("resolve %q: %w", dir, err)
	}
	return filepath.Base(abs), nil
}

func displayDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// pushTags are the --provisioner-tag values; none given reuses the tags of
// the active version's import, and "-" clears them.
func (r *RootCmd) pushTags(ctx context.Context, client *codersdk.Client, t codersdk.Template, exists bool, flags []string) (map[string]string, error) {
	if len(flags) == 1 && flags[0] == "-" {
		return map[string]string{}, nil
	}
	if len(flags) > 0 {
		return parseKeyValues("--provisioner-tag", flags)
	}
	if !exists {
		return map[string]string{}, nil
	}
	active, err := client.TemplateVersion(ctx, t.ActiveVersionID)
	if err != nil {
		return nil, xerrors.Errorf("read the active version's tags: %w", err)
	}
	tags := map[string]string{}
	for k, v := range active.Job.Tags {
		tags[k] = v
	}
	return tags, nil
}

func parseKeyValues(flag string, pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, xerrors.Errorf("%s %q: want key=value", flag, p)
		}
		out[k] = v
	}
	return out, nil
}

// variableValues merges --variables-file (a YAML map of name: value) with
// --variable name=value, the flags winning.
func variableValues(file string, flags []string) ([]codersdk.VariableValue, error) {
	merged := map[string]string{}
	if file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, xerrors.Errorf("read --variables-file: %w", err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(raw, &m); err != nil {
			return nil, xerrors.Errorf("--variables-file %s is not a YAML map of name: value: %w", file, err)
		}
		for k, v := range m {
			if v == nil {
				merged[k] = ""
				continue
			}
			merged[k] = fmt.Sprint(v)
		}
	}
	fromFlags, err := parseKeyValues("--variable", flags)
	if err != nil {
		return nil, err
	}
	for k, v := range fromFlags {
		merged[k] = v
	}
	names := make([]string, 0, len(merged))
	for k := range merged {
		names = append(names, k)
	}
	sort.Strings(names)
	values := make([]codersdk.VariableValue, 0, len(names))
	for _, n := range names {
		values = append(values, codersdk.VariableValue{Name: n, Value: merged[n]})
	}
	return values, nil
}

// readTemplateSource returns the template as a tar archive and the names of
// its root-level files (to pick the provisioner).
func readTemplateSource(inv *serpent.Invocation, dir string) ([]byte, []string, error) {
	if dir == "-" {
		data, err := io.ReadAll(inv.Stdin)
		if err != nil {
			return nil, nil, xerrors.Errorf("read the archive from stdin: %w", err)
		}
		names, err := tarRootNames(data)
		if err != nil {
			return nil, nil, xerrors.Errorf("stdin is not a tar archive: %w", err)
		}
		return data, names, nil
	}
	return tarDirectory(dir)
}

// skippedInUpload are never part of a template: VCS metadata and
// Terraform's local state and caches.
func skippedInUpload(rel string, d fs.DirEntry) bool {
	base := path.Base(rel)
	if d.IsDir() {
		return base == ".git" || base == ".terraform"
	}
	return strings.HasPrefix(base, "terraform.tfstate") || strings.HasSuffix(base, ".tfstate")
}

// tarDirectory archives dir's regular files and directories, keeping the
// executable bits (scripts in templates rely on them).
func tarDirectory(dir string) ([]byte, []string, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, nil, xerrors.Errorf("template directory: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, xerrors.Errorf("%s is not a directory", dir)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	var rootNames []string
	var total int64
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if skippedInUpload(rel, d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.Contains(rel, "/") {
			rootNames = append(rootNames, rel)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: rel + "/", Mode: 0o755, ModTime: info.ModTime()})
		case info.Mode().IsRegular():
			total += info.Size()
			if total > archive.DefaultMaxBytes {
				return xerrors.Errorf("the directory holds more than %d MiB; is it the right one?", archive.DefaultMaxBytes>>20)
			}
			mode := int64(0o644)
			if info.Mode()&0o111 != 0 {
				mode = 0o755
			}
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: rel, Mode: mode, Size: info.Size(), ModTime: info.ModTime()}); err != nil {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		default:
			// Symlinks and special files are left out: the server would
			// refuse links that leave the template anyway.
			return nil
		}
	})
	if err != nil {
		return nil, nil, xerrors.Errorf("archive %s: %w", dir, err)
	}
	if err := tw.Close(); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), rootNames, nil
}

func tarRootNames(data []byte) ([]string, error) {
	tr := tar.NewReader(bytes.NewReader(data))
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		n := strings.TrimPrefix(path.Clean(h.Name), "./")
		if !strings.Contains(n, "/") {
			names = append(names, n)
		}
	}
}

// detectProvisioner: echo for an echo spec without Terraform files.
func detectProvisioner(rootNames []string) codersdk.ProvisionerType {
	hasEcho, hasTF := false, false
	for _, n := range rootNames {
		switch {
		case n == "echo.yaml" || n == "echo.yml" || n == "echo.json":
			hasEcho = true
		case strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json"):
			hasTF = true
		}
	}
	if hasEcho && !hasTF {
		return codersdk.ProvisionerTypeEcho
	}
	return codersdk.ProvisionerTypeTerraform
}

// importVersion creates the version and follows its import. On a terminal,
// an import that stops for variables without values asks for them and
// imports again, as Coder's CLI does; scripts get the error instead.
func importVersion(inv *serpent.Invocation, client *codersdk.Client, orgID uuid.UUID, req codersdk.CreateTemplateVersionRequest) (codersdk.TemplateVersion, error) {
	ctx := inv.Context()
	for {
		version, err := client.CreateTemplateVersion(ctx, orgID, req)
		if err != nil {
			return version, xerrors.Errorf("create a template version: %w", err)
		}
		version, err = followImport(inv, client, version)
		if err == nil || version.Job.ErrorCode != codersdk.RequiredTemplateVariables || !cliui.IsTerminal(inv.Stdin) {
			return version, err
		}
		missing, err := missingVariables(ctx, client, version.ID, req.UserVariableValues)
		if err != nil || len(missing) == 0 {
			return version, xerrors.Errorf("the template import failed: %s", version.Job.Error)
		}
		_, _ = fmt.Fprintln(inv.Stdout, cliui.Warn(ctx, "The template needs values for these variables:"))
		for _, v := range missing {
			text := v.Name
			if v.Description != "" {
				text += " (" + v.Description + ")"
			}
			value, err := cliui.Prompt(inv, cliui.PromptOptions{Text: text + ":", Secret: v.Sensitive})
			if err != nil {
				return version, err
			}
			req.UserVariableValues = append(req.UserVariableValues, codersdk.VariableValue{Name: v.Name, Value: value})
		}
	}
}

// missingVariables are the required variables of a failed import that no
// value was given for.
func missingVariables(ctx context.Context, client *codersdk.Client, versionID uuid.UUID, given []codersdk.VariableValue) ([]codersdk.TemplateVersionVariable, error) {
	vars, err := client.TemplateVersionVariables(ctx, versionID)
	if err != nil {
		return nil, err
	}
	var missing []codersdk.TemplateVersionVariable
	for _, v := range vars {
		if !v.Required || slices.ContainsFunc(given, func(g codersdk.VariableValue) bool { return g.Name == v.Name }) {
			continue
		}
		missing = append(missing, v)
	}
	// Asked in name order, so that the questions come in the same order on
	// every push.
	slices.SortFunc(missing, func(a, b codersdk.TemplateVersionVariable) int { return strings.Compare(a.Name, b.Name) })
	return missing, nil
}

// followImport prints the import's log as it comes and returns the version
// once the import has finished; a failed import is an error.
func followImport(inv *serpent.Invocation, client *codersdk.Client, version codersdk.TemplateVersion) (codersdk.TemplateVersion, error) {
	ctx := inv.Context()
	logs, closer, err := client.TemplateVersionLogsAfter(ctx, version.ID, 0)
	if err != nil {
		return version, xerrors.Errorf("follow the import log: %w", err)
	}
	defer closer.Close()
	stage := ""
	for log := range logs {
		if log.Stage != "" && log.Stage != stage {
			stage = log.Stage
			_, _ = fmt.Fprintf(inv.Stdout, "==> %s\n", cliui.Bold(ctx, stage))
		}
		if log.Output != "" {
			_, _ = fmt.Fprintf(inv.Stdout, "    %s\n", log.Output)
		}
	}
	if ctx.Err() != nil {
		// Interrupted: do not leave the import running for nobody.
		cancelCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.CancelTemplateVersion(cancelCtx, version.ID)
		return version, ctx.Err()
	}
	// The log stream ends when the job completes; poll the little that may
	// be left in case it ended for another reason (a proxy timeout).
	for {
		version, err = client.TemplateVersion(ctx, version.ID)
		if err != nil {
			return version, xerrors.Errorf("read the import's result: %w", err)
		}
		if !version.Job.Status.Active() {
			break
		}
		select {
		case <-ctx.Done():
			return version, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	if version.Job.Status != codersdk.ProvisionerJobSucceeded {
		msg := version.Job.Error
		if msg == "" {
			msg = string(version.Job.Status)
		}
		if version.Job.ErrorCode == codersdk.RequiredTemplateVariables {
			msg += " (set them with --variable name=value or --variables-file)"
		}
		return version, xerrors.Errorf("the template import failed: %s", msg)
	}
	return version, nil
}

func (r *RootCmd) templateInit() *serpent.Command {
	var id string
	ids := []string{}
	if list, err := examples.List(); err == nil {
		for _, e := range list {
			ids = append(ids, e.ID)
		}
	}
	return &serpent.Command{
		Use:   "init [directory]",
		Short: "Get started with a templated template.",
		Long: "Writes one of the built-in example templates into a directory (the example's id by default), ready to edit and push.\n\n" +
			formatExamples(example{Command: "coder templates init --id echo-dev my-template && cd my-template && coder templates push --yes"}),
		Middleware: serpent.RequireRangeArgs(0, 1),
		Options: serpent.OptionSet{
			{Flag: "id", Description: "Specify a given example template by ID.", Value: serpent.EnumOf(&id, ids...)},
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			list, err := examples.List()
			if err != nil {
				return err
			}
			if id == "" {
				options := make([]string, 0, len(list))
				for _, e := range list {
					options = append(options, e.ID)
				}
				for _, e := range list {
					_, _ = fmt.Fprintf(inv.Stdout, "%s  %s\n", cliui.Bold(ctx, e.ID), cliui.Faint(ctx, e.Name+": "+e.Description))
				}
				id, err = cliui.Select(inv, cliui.SelectOptions{Message: "\nA template defines infrastructure as code to be provisioned for individual developer workspaces. Select an example to be copied to the active directory:", Options: options})
				if err != nil {
					return err
				}
			}
			data, err := examples.Archive(id)
			if err != nil {
				return xerrors.Errorf("example %q: %w", id, err)
			}
			dir := id
			if len(inv.Args) == 1 {
				dir = inv.Args[0]
			}
			if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				return xerrors.Errorf("directory %q is not empty", dir)
			}
			if err := archive.Extract(data, codersdk.ContentTypeTar, dir, archive.Limits{}); err != nil {
				return xerrors.Errorf("write the example to %s: %w", dir, err)
			}
			_, _ = fmt.Fprintf(inv.Stdout, "Extracted %s to %s\nCreate your template by running:\n\n\t%s\n\n",
				cliui.Code(ctx, id), cliui.Code(ctx, dir), cliui.Code(ctx, "cd "+dir+" && coder templates push"))
			return nil
		},
	}
}

func (r *RootCmd) templatePull() *serpent.Command {
	var (
		org         string
		asTar       bool
		asZip       bool
		versionName string
	)
	return &serpent.Command{
		Use:   "pull <name> [destination]",
		Short: "Download the active, latest, or specified version of a template to a path.",
		Long: "The destination defaults to a directory named after the template.\n\n" +
			formatExamples(
				example{Command: "coder templates pull my-template ./my-template"},
				example{Description: "Save the archive of the latest version", Command: "coder templates pull my-template --version latest --tar > my-template.tar"},
			),
		Middleware: serpent.RequireRangeArgs(1, 2),
		Options: serpent.OptionSet{
			{Flag: "tar", Description: "Output the template as a tar archive to stdout.", Value: serpent.BoolOf(&asTar)},
			{Flag: "zip", Description: "Output the template as a zip archive to stdout.", Value: serpent.BoolOf(&asZip)},
			{Flag: "version", Description: "The name of the template version to pull. Use 'active' to pull the active version, 'latest' to pull the latest version, or the name of the template version to pull.", Value: serpent.StringOf(&versionName)},
			organizationOption(&org),
			cliui.SkipPromptOption(),
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			if asTar && asZip {
				return xerrors.New("either --tar or --zip, not both")
			}
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			t, _, err := r.templateByName(inv, client, org, inv.Args[0])
			if err != nil {
				return err
			}
			version, err := pickVersion(ctx, client, t, versionName)
			if err != nil {
				return err
			}
			data, contentType, err := client.Download(ctx, version.Job.FileID)
			if err != nil {
				return xerrors.Errorf("download version %q: %w", version.Name, err)
			}
			if asTar || asZip {
				if asZip && contentType != codersdk.ContentTypeZip {
					data, err = tarToZip(data)
					if err != nil {
						return err
					}
				}
				if asTar && contentType == codersdk.ContentTypeZip {
					return xerrors.New("this version was uploaded as a zip archive; use --zip")
				}
				_, err = inv.Stdout.Write(data)
				return err
			}
			dest := t.Name
			if len(inv.Args) == 2 {
				dest = inv.Args[1]
			}
			if err := extractInto(inv, data, contentType, dest); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(inv.Stdout, "Pulled version %s of template %s into %s\n", cliui.Code(ctx, version.Name), cliui.Code(ctx, t.Name), cliui.Code(ctx, dest))
			return nil
		},
	}
}

// pickVersion resolves --version: active (the default), latest, or a name.
func pickVersion(ctx context.Context, client *codersdk.Client, t codersdk.Template, name string) (codersdk.TemplateVersion, error) {
	switch name {
	case "", "active":
		return client.TemplateVersion(ctx, t.ActiveVersionID)
	case "latest":
		versions, err := client.TemplateVersionsByTemplate(ctx, codersdk.TemplateVersionsByTemplateRequest{TemplateID: t.ID})
		if err != nil {
			return codersdk.TemplateVersion{}, xerrors.Errorf("list versions: %w", err)
		}
		if len(versions) == 0 {
			return codersdk.TemplateVersion{}, xerrors.New("the template has no versions")
		}
		latest := versions[0]
		for _, v := range versions[1:] {
			if v.CreatedAt.After(latest.CreatedAt) {
				latest = v
			}
		}
		return latest, nil
	default:
		v, err := client.TemplateVersionByName(ctx, t.ID, name)
		if err != nil {
			return v, xerrors.Errorf("get version %q of %q: %w", name, t.Name, err)
		}
		return v, nil
	}
}

// extractInto unpacks into dest; into a directory that is not empty only
// after a confirmation, and then files from the archive replace theirs.
func extractInto(inv *serpent.Invocation, data []byte, contentType, dest string) error {
	entries, err := os.ReadDir(dest)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return xerrors.Errorf("read destination: %w", err)
	}
	if len(entries) == 0 {
		return archive.Extract(data, contentType, dest, archive.Limits{})
	}
	if _, err := cliui.Prompt(inv, cliui.PromptOptions{
		Text:      fmt.Sprintf("Directory %q is not empty, existing files may be overwritten.\nContinue extracting?", dest),
		IsConfirm: true,
	}); err != nil {
		return err
	}
	// Extracted next to dest first (safely, by the archive package), then
	// moved over it file by file.
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dest)), ".pull-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := archive.Extract(data, contentType, tmp, archive.Limits{}); err != nil {
		return err
	}
	return filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(tmp, p)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dest, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return os.Rename(p, target)
	})
}

func tarToZip(data []byte) ([]byte, error) {
	tr := tar.NewReader(bytes.NewReader(data))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, xerrors.Errorf("read the archive: %w", err)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if _, err := zw.CreateHeader(&zip.FileHeader{Name: strings.TrimSuffix(h.Name, "/") + "/"}); err != nil {
				return nil, err
			}
		case tar.TypeReg:
			fh := &zip.FileHeader{Name: h.Name, Method: zip.Deflate, Modified: h.ModTime}
			fh.SetMode(fs.FileMode(h.Mode) & fs.ModePerm)
			w, err := zw.CreateHeader(fh)
			if err != nil {
				return nil, err
			}
			if _, err := io.Copy(w, tr); err != nil {
				return nil, err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
