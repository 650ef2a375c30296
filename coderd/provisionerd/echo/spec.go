package echo

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/google/uuid"
	"gopkg.in/yaml.v3"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// Spec is the content of echo.yaml. See the package documentation for the
// schema with an example of every field.
type Spec struct {
	Parameters   []Parameter    `yaml:"parameters,omitempty"`
	Variables    []Variable     `yaml:"variables,omitempty"`
	Presets      []Preset       `yaml:"presets,omitempty"`
	ExternalAuth []ExternalAuth `yaml:"external_auth,omitempty"`
	Readme       string         `yaml:"readme,omitempty"`
	Import       Phase          `yaml:"import,omitempty"`
	Start        Phase          `yaml:"start,omitempty"`
	Stop         Phase          `yaml:"stop,omitempty"`
	Delete       Phase          `yaml:"delete,omitempty"`
}

// Parameter declares a rich parameter.
type Parameter struct {
	Name        string      `yaml:"name"`
	DisplayName string      `yaml:"display_name,omitempty"`
	Description string      `yaml:"description,omitempty"`
	Type        string      `yaml:"type,omitempty"`
	FormType    string      `yaml:"form_type,omitempty"`
	Default     string      `yaml:"default,omitempty"`
	Required    bool        `yaml:"required,omitempty"`
	Mutable     bool        `yaml:"mutable,omitempty"`
	Ephemeral   bool        `yaml:"ephemeral,omitempty"`
	Icon        string      `yaml:"icon,omitempty"`
	Order       int32       `yaml:"order,omitempty"`
	Options     []Option    `yaml:"options,omitempty"`
	Validation  *Validation `yaml:"validation,omitempty"`
}

// Option is one choice of a parameter.
type Option struct {
	Name        string `yaml:"name"`
	Value       string `yaml:"value"`
	Description string `yaml:"description,omitempty"`
	Icon        string `yaml:"icon,omitempty"`
}

// Validation holds a parameter's validation rules.
type Validation struct {
	Regex     string `yaml:"regex,omitempty"`
	Error     string `yaml:"error,omitempty"`
	Min       *int32 `yaml:"min,omitempty"`
	Max       *int32 `yaml:"max,omitempty"`
	Monotonic string `yaml:"monotonic,omitempty"`
}

// Variable declares a template variable.
type Variable struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	Type        string `yaml:"type,omitempty"`
	Default     string `yaml:"default,omitempty"`
	Required    bool   `yaml:"required,omitempty"`
	Sensitive   bool   `yaml:"sensitive,omitempty"`
}

// Preset is a named set of parameter values.
type Preset struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description,omitempty"`
	Icon        string            `yaml:"icon,omitempty"`
	Default     bool              `yaml:"default,omitempty"`
	Parameters  map[string]string `yaml:"parameters,omitempty"`
}

// ExternalAuth says the template needs an external auth provider.
type ExternalAuth struct {
	ID       string `yaml:"id"`
	Optional bool   `yaml:"optional,omitempty"`
}

// Phase is what an import or a transition does.
type Phase struct {
	Logs  []Log         `yaml:"logs,omitempty"`
	Delay time.Duration `yaml:"delay,omitempty"`
	// Fail, when set, fails the job with this message (a
	// provisioner.Failure) after the logs and the delay.
	Fail     string `yaml:"fail,omitempty"`
	FailCode string `yaml:"fail_code,omitempty"`
	// Resources a transition creates; not allowed in import.
	Resources []Resource `yaml:"resources,omitempty"`
}

// Log is a line a phase emits.
type Log struct {
	Level  string `yaml:"level,omitempty"`
	Stage  string `yaml:"stage,omitempty"`
	Output string `yaml:"output"`
}

// Resource is a resource a transition creates.
type Resource struct {
	Name         string     `yaml:"name"`
	Type         string     `yaml:"type"`
	Hide         bool       `yaml:"hide,omitempty"`
	Icon         string     `yaml:"icon,omitempty"`
	InstanceType string     `yaml:"instance_type,omitempty"`
	DailyCost    int32      `yaml:"daily_cost,omitempty"`
	Metadata     []Metadata `yaml:"metadata,omitempty"`
	Agents       []Agent    `yaml:"agents,omitempty"`
}

// Metadata is a key/value shown on a resource.
type Metadata struct {
	Key       string `yaml:"key"`
	Value     string `yaml:"value,omitempty"`
	Sensitive bool   `yaml:"sensitive,omitempty"`
	IsNull    bool   `yaml:"is_null,omitempty"`
}

// Agent is an agent running in a resource.
type Agent struct {
	ID                       string            `yaml:"id,omitempty"`
	Name                     string            `yaml:"name"`
	OS                       string            `yaml:"os,omitempty"`
	Arch                     string            `yaml:"arch,omitempty"`
	Directory                string            `yaml:"directory,omitempty"`
	Env                      map[string]string `yaml:"env,omitempty"`
	Auth                     string            `yaml:"auth,omitempty"`
	Token                    string            `yaml:"token,omitempty"`
	InstanceID               string            `yaml:"instance_id,omitempty"`
	ConnectionTimeoutSeconds int32             `yaml:"connection_timeout_seconds,omitempty"`
	TroubleshootingURL       string            `yaml:"troubleshooting_url,omitempty"`
	MOTDFile                 string            `yaml:"motd_file,omitempty"`
	Order                    int64             `yaml:"order,omitempty"`
	DisplayApps              *DisplayApps      `yaml:"display_apps,omitempty"`
	Scripts                  []Script          `yaml:"scripts,omitempty"`
	Metadata                 []AgentMetadata   `yaml:"metadata,omitempty"`
	Apps                     []App             `yaml:"apps,omitempty"`
}

// DisplayApps overrides the built-in apps shown for an agent; a nil field
// keeps provisioner.DefaultDisplayApps.
type DisplayApps struct {
	VSCode               *bool `yaml:"vscode,omitempty"`
	VSCodeInsiders       *bool `yaml:"vscode_insiders,omitempty"`
	WebTerminal          *bool `yaml:"web_terminal,omitempty"`
	SSHHelper            *bool `yaml:"ssh_helper,omitempty"`
	PortForwardingHelper *bool `yaml:"port_forwarding_helper,omitempty"`
}

// Script is a script the agent runs.
type Script struct {
	DisplayName      string `yaml:"display_name,omitempty"`
	Icon             string `yaml:"icon,omitempty"`
	Script           string `yaml:"script"`
	Cron             string `yaml:"cron,omitempty"`
	StartBlocksLogin bool   `yaml:"start_blocks_login,omitempty"`
	RunOnStart       bool   `yaml:"run_on_start,omitempty"`
	RunOnStop        bool   `yaml:"run_on_stop,omitempty"`
	TimeoutSeconds   int32  `yaml:"timeout_seconds,omitempty"`
	LogPath          string `yaml:"log_path,omitempty"`
}

// AgentMetadata is a value the agent collects periodically.
type AgentMetadata struct {
	Key         string `yaml:"key"`
	DisplayName string `yaml:"display_name,omitempty"`
	Script      string `yaml:"script,omitempty"`
	Interval    int64  `yaml:"interval,omitempty"`
	Timeout     int64  `yaml:"timeout,omitempty"`
	Order       int64  `yaml:"order,omitempty"`
}

// App is an app reachable through an agent.
type App struct {
	Slug         string       `yaml:"slug"`
	DisplayName  string       `yaml:"display_name,omitempty"`
	Command      string       `yaml:"command,omitempty"`
	URL          string       `yaml:"url,omitempty"`
	Icon         string       `yaml:"icon,omitempty"`
	Subdomain    bool         `yaml:"subdomain,omitempty"`
	External     bool         `yaml:"external,omitempty"`
	Hidden       bool         `yaml:"hidden,omitempty"`
	SharingLevel string       `yaml:"sharing_level,omitempty"`
	OpenIn       string       `yaml:"open_in,omitempty"`
	Group        string       `yaml:"group,omitempty"`
	Order        int64        `yaml:"order,omitempty"`
	Healthcheck  *Healthcheck `yaml:"healthcheck,omitempty"`
}

// Healthcheck is how the agent probes an app.
type Healthcheck struct {
	URL       string `yaml:"url"`
	Interval  int32  `yaml:"interval,omitempty"`
	Threshold int32  `yaml:"threshold,omitempty"`
}

// SpecFiles are the names echo looks for at the root of a template, in
// order.
var SpecFiles = []string{"echo.yaml", "echo.yml", "echo.json"}

// maxSpecSize bounds echo.yaml; a spec is a few kilobytes.
const maxSpecSize = 4 << 20

// parsedSpec is a validated spec with the templates parsed from it so
// far. It is shared by concurrent builds of the same template and never
// modified after parsing, except for the template cache.
type parsedSpec struct {
	Spec
	file string // the name it was read from, for logs

	mu        sync.Mutex
	templates map[string]parsedTemplate
}

type parsedTemplate struct {
	tmpl *template.Template
	err  error
}

// template returns src parsed, from the cache when it was parsed before.
func (p *parsedSpec) template(src string) (*template.Template, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.templates[src]; ok {
		return t.tmpl, t.err
	}
	tmpl, err := template.New("").Option("missingkey=error").Parse(src)
	if p.templates == nil {
		p.templates = map[string]parsedTemplate{}
	}
	p.templates[src] = parsedTemplate{tmpl: tmpl, err: err}
	return tmpl, err
}

// specCache keeps parsed specs by content hash: most builds run a template
// version that was built before, and parsing YAML is most of the cost of
// an echo build. The cache is small and forgets arbitrary entries when
// full; a template version's files never change.
type specCache struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]*parsedSpec
}

const specCacheSize = 128

// load reads and checks the spec in dir. Problems with the template come
// back as a *provisioner.Failure.
func (c *specCache) load(dir string) (*parsedSpec, error) {
	if dir == "" {
		return nil, errors.New("echo: no template directory")
	}
	var (
		data []byte
		name string
	)
	for _, candidate := range SpecFiles {
		b, err := readInRoot(dir, candidate)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		data, name = b, candidate
		break
	}
	if name == "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("echo: template directory: %w", err)
		}
		return nil, &provisioner.Failure{Message: "the template has no echo.yaml: the echo provisioner needs an echo.yaml (or echo.json) at the root of the template archive"}
	}

	key := sha256.Sum256(append([]byte(name+"\x00"), data...))
	c.mu.Lock()
	cached := c.entries[key]
	c.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	spec, err := ParseSpec(data)
	if err != nil {
		return nil, &provisioner.Failure{Message: name + ": " + err.Error()}
	}
	parsed := &parsedSpec{Spec: spec, file: name}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[[sha256.Size]byte]*parsedSpec{}
	}
	if len(c.entries) >= specCacheSize {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = parsed
	return parsed, nil
}

func readInRoot(dir, name string) ([]byte, error) {
	f, err := os.OpenInRoot(dir, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		// A link out of the template, a directory named echo.yaml...:
		// the template's problem.
		return nil, &provisioner.Failure{Message: fmt.Sprintf("cannot open %s: %s", name, errors.Unwrap(err))}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("echo: stat %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &provisioner.Failure{Message: name + " is not a regular file"}
	}
	if fi.Size() > maxSpecSize {
		return nil, &provisioner.Failure{Message: fmt.Sprintf("%s is larger than %d bytes", name, maxSpecSize)}
	}
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(f, maxSpecSize+1))
	data := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("echo: read %s: %w", name, err)
	}
	if len(data) > maxSpecSize {
		return nil, &provisioner.Failure{Message: fmt.Sprintf("%s is larger than %d bytes", name, maxSpecSize)}
	}
	return data, nil
}

// ParseSpec decodes and checks a spec (YAML, or JSON which is valid YAML).
// Unknown fields are an error naming the field.
func ParseSpec(data []byte) (Spec, error) {
	var spec Spec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil && !errors.Is(err, io.EOF) {
		return Spec{}, decodeError(err)
	}
	if err := spec.Validate(); err != nil {
		return Spec{}, err
	}
	return spec, nil
}

// unknownField matches yaml.v3's message for a key that is not in the
// schema, so it can be reworded for template authors.
var unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type echo\.(\w+)$`)

func decodeError(err error) error {
	var typeErr *yaml.TypeError
	if !errors.As(err, &typeErr) {
		return fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	msgs := make([]string, 0, len(typeErr.Errors))
	for _, e := range typeErr.Errors {
		if m := unknownField.FindStringSubmatch(e); m != nil {
			e = fmt.Sprintf("line %s: unknown field %q in %s", m[1], m[2], strings.ToLower(m[3]))
		}
		msgs = append(msgs, e)
	}
	return errors.New(strings.Join(msgs, "; "))
}

var (
	// Upstream's rules: agent names and app slugs end up in hostnames.
	agentNameRegex = regexp.MustCompile(`(?i)^[a-z0-9](-?[a-z0-9])*$`)
	appSlugRegex   = regexp.MustCompile(`^[a-z0-9](-?[a-z0-9])*$`)
)

// Validate checks what decoding cannot: names, references, enums and
// the parameter rules the coder Terraform provider enforces.
func (s Spec) Validate() error {
	params := map[string]provisioner.RichParameter{}
	for i, p := range s.Parameters {
		rp := p.toProvisioner()
		if err := provisioner.ValidateParameter(rp); err != nil {
			return fmt.Errorf("parameters[%d]: %w", i, err)
		}
		if _, dup := params[p.Name]; dup {
			return fmt.Errorf("parameters[%d]: duplicate parameter name %q", i, p.Name)
		}
		params[p.Name] = rp
	}

	vars := map[string]bool{}
	for i, v := range s.Variables {
		switch {
		case strings.TrimSpace(v.Name) == "":
			return fmt.Errorf("variables[%d]: a name is required", i)
		case vars[v.Name]:
			return fmt.Errorf("variables[%d]: duplicate variable name %q", i, v.Name)
		case v.Required && v.Default != "":
			return fmt.Errorf("variables[%d]: a required variable %q cannot have a default", i, v.Name)
		}
		vars[v.Name] = true
		pv := v.toProvisioner()
		value := v.Default
		if v.Required {
			value = zeroValue(v.Type)
		}
		if err := provisioner.ValidateVariableValue(pv, value); err != nil {
			return fmt.Errorf("variables[%d]: %w", i, err)
		}
	}

	presets := map[string]bool{}
	defaults := 0
	for i, p := range s.Presets {
		switch {
		case strings.TrimSpace(p.Name) == "":
			return fmt.Errorf("presets[%d]: a name is required", i)
		case presets[p.Name]:
			return fmt.Errorf("presets[%d]: duplicate preset name %q", i, p.Name)
		}
		presets[p.Name] = true
		if p.Default {
			if defaults++; defaults > 1 {
				return fmt.Errorf("presets[%d]: only one preset can be the default", i)
			}
		}
		for name, value := range p.Parameters {
			rp, ok := params[name]
			if !ok {
				return fmt.Errorf("presets[%d] (%q): parameter %q is not declared", i, p.Name, name)
			}
			if err := provisioner.ValidateParameterValue(rp, value, nil); err != nil {
				return fmt.Errorf("presets[%d] (%q): %w", i, p.Name, err)
			}
		}
	}

	ids := map[string]bool{}
	for i, ea := range s.ExternalAuth {
		switch {
		case strings.TrimSpace(ea.ID) == "":
			return fmt.Errorf("external_auth[%d]: an id is required", i)
		case ids[ea.ID]:
			return fmt.Errorf("external_auth[%d]: duplicate id %q", i, ea.ID)
		}
		ids[ea.ID] = true
	}

	if len(s.Import.Resources) > 0 {
		return errors.New("import: resources are not allowed here; import reports the resources of start and stop")
	}
	for _, ph := range []struct {
		name  string
		phase Phase
	}{{"import", s.Import}, {"start", s.Start}, {"stop", s.Stop}, {"delete", s.Delete}} {
		if err := ph.phase.validate(ph.name); err != nil {
			return err
		}
	}
	return nil
}

func zeroValue(typ string) string {
	switch typ {
	case provisioner.ParameterTypeNumber:
		return "0"
	case provisioner.ParameterTypeBool:
		return "false"
	}
	return ""
}

func (p Phase) validate(name string) error {
	if p.Delay < 0 {
		return fmt.Errorf("%s.delay: must not be negative", name)
	}
	for i, l := range p.Logs {
		if l.Level != "" && !provisioner.LogLevel(l.Level).Valid() {
			return fmt.Errorf("%s.logs[%d]: unknown level %q (trace, debug, info, warn or error)", name, i, l.Level)
		}
	}
	agents := map[string]bool{}
	for i, r := range p.Resources {
		path := fmt.Sprintf("%s.resources[%d]", name, i)
		if strings.TrimSpace(r.Name) == "" || strings.TrimSpace(r.Type) == "" {
			return fmt.Errorf("%s: name and type are required", path)
		}
		for j, m := range r.Metadata {
			if m.Key == "" {
				return fmt.Errorf("%s.metadata[%d]: a key is required", path, j)
			}
		}
		for j, a := range r.Agents {
			if err := a.validate(fmt.Sprintf("%s.agents[%d]", path, j)); err != nil {
				return err
			}
			if agents[a.Name] {
				return fmt.Errorf("%s.agents[%d]: duplicate agent name %q (agent names must be unique in a workspace)", path, j, a.Name)
			}
			agents[a.Name] = true
		}
	}
	return nil
}

func (a Agent) validate(path string) error {
	if !agentNameRegex.MatchString(a.Name) {
		return fmt.Errorf("%s: agent name %q is invalid (letters, digits and single hyphens, e.g. \"main\")", path, a.Name)
	}
	if a.ID != "" {
		if _, err := uuid.Parse(a.ID); err != nil {
			return fmt.Errorf("%s: id %q is not a UUID", path, a.ID)
		}
	}
	switch a.Auth {
	case "", provisioner.AgentAuthToken:
	case provisioner.AgentAuthInstanceID:
		if a.InstanceID == "" {
			return fmt.Errorf("%s: auth instance_id needs an instance_id", path)
		}
	default:
		return fmt.Errorf("%s: unknown auth %q (token or instance_id)", path, a.Auth)
	}
	if a.ConnectionTimeoutSeconds < 0 {
		return fmt.Errorf("%s: connection_timeout_seconds must not be negative", path)
	}
	for i, s := range a.Scripts {
		if strings.TrimSpace(s.Script) == "" {
			return fmt.Errorf("%s.scripts[%d]: a script is required", path, i)
		}
	}
	keys := map[string]bool{}
	for i, m := range a.Metadata {
		if m.Key == "" || keys[m.Key] {
			return fmt.Errorf("%s.metadata[%d]: keys must be present and unique", path, i)
		}
		keys[m.Key] = true
	}
	slugs := map[string]bool{}
	for i, app := range a.Apps {
		p := fmt.Sprintf("%s.apps[%d]", path, i)
		if !appSlugRegex.MatchString(app.Slug) {
			return fmt.Errorf("%s: slug %q is invalid (lowercase letters, digits and single hyphens)", p, app.Slug)
		}
		if slugs[app.Slug] {
			return fmt.Errorf("%s: duplicate app slug %q", p, app.Slug)
		}
		slugs[app.Slug] = true
		switch app.SharingLevel {
		case "", provisioner.AppSharingLevelOwner, provisioner.AppSharingLevelAuthenticated,
			provisioner.AppSharingLevelOrganization, provisioner.AppSharingLevelPublic:
		default:
			return fmt.Errorf("%s: unknown sharing_level %q (owner, authenticated, organization or public)", p, app.SharingLevel)
		}
		switch app.OpenIn {
		case "", provisioner.AppOpenInSlimWindow, provisioner.AppOpenInTab:
		default:
			return fmt.Errorf("%s: unknown open_in %q (slim-window or tab)", p, app.OpenIn)
		}
		if app.External && app.URL == "" {
			return fmt.Errorf("%s: an external app needs a url", p)
		}
		if app.Healthcheck != nil && app.Healthcheck.URL == "" {
			return fmt.Errorf("%s.healthcheck: a url is required", p)
		}
	}
	return nil
}
