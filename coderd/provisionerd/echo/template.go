package echo

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/devplane/devplane/coderd/provisionerd/archive"
)

// Template returns a tar archive (archive.MimeTypeTar) holding spec as
// echo.yaml, ready to upload as a template version. The spec is not
// validated, so tests can build templates that fail to import.
func Template(spec Spec) ([]byte, error) {
	return TemplateWithFiles(spec, nil)
}

// TemplateWithFiles is Template with extra files (name → content) next to
// echo.yaml, such as a README.md.
func TemplateWithFiles(spec Spec, files map[string]string) ([]byte, error) {
	data, err := yaml.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("echo: encode spec: %w", err)
	}
	all := make(map[string]string, len(files)+1)
	for name, content := range files {
		all[name] = content
	}
	all["echo.yaml"] = string(data)
	return archive.CreateTar(all)
}

// SimpleSpec is a typical template: two parameters (a region with options
// and a mutable CPU count), a variable, a preset, and on start a container
// with one agent serving one app; on stop, the home volume remains.
func SimpleSpec() Spec {
	minCPU, maxCPU := int32(1), int32(8)
	home := Resource{Name: "home", Type: "docker_volume", Icon: "/icon/database.svg"}
	return Spec{
		Parameters: []Parameter{
			{
				Name:        "region",
				DisplayName: "Region",
				Description: "Where the workspace runs.",
				Type:        "string",
				Default:     "us",
				Icon:        "/icon/globe.svg",
				Order:       1,
				Options: []Option{
					{Name: "United States", Value: "us"},
					{Name: "Europe", Value: "eu"},
				},
			},
			{
				Name:        "cpu",
				DisplayName: "CPU cores",
				Type:        "number",
				Default:     "2",
				Mutable:     true,
				Order:       2,
				Validation:  &Validation{Min: &minCPU, Max: &maxCPU},
			},
		},
		Variables: []Variable{
			{Name: "image", Description: "Container image.", Type: "string", Default: "codercom/enterprise-base:ubuntu"},
		},
		Presets: []Preset{
			{Name: "Europe, small", Parameters: map[string]string{"region": "eu", "cpu": "1"}},
		},
		Readme: "# Simple template\n\nA container in the region of your choice, with a code editor.\n",
		Start: Phase{
			Logs: []Log{{Level: "info", Output: "Starting {{.WorkspaceName}} in {{.Param \"region\"}} with {{.Param \"cpu\"}} CPUs"}},
			Resources: []Resource{
				{
					Name: "dev",
					Type: "docker_container",
					Icon: "/icon/docker.png",
					Metadata: []Metadata{
						{Key: "region", Value: `{{.Param "region"}}`},
						{Key: "cpu", Value: `{{.Param "cpu"}}`},
						{Key: "image", Value: `{{.Var "image"}}`},
					},
					Agents: []Agent{
						{
							Name:      "main",
							OS:        "linux",
							Arch:      "amd64",
							Directory: "/home/coder",
							Apps: []App{
								{
									Slug:        "code-server",
									DisplayName: "code-server",
									URL:         "http://localhost:13337/?folder=/home/coder",
									Icon:        "/icon/code.svg",
									Healthcheck: &Healthcheck{URL: "http://localhost:13337/healthz", Interval: 5, Threshold: 6},
								},
							},
						},
					},
				},
				home,
			},
		},
		Stop:   Phase{Resources: []Resource{home}},
		Delete: Phase{Logs: []Log{{Level: "info", Output: "Removing the home volume of {{.WorkspaceName}}"}}},
	}
}

// SimpleTemplate is the tar archive of SimpleSpec.
func SimpleTemplate() []byte {
	data, err := Template(SimpleSpec())
	if err != nil {
		panic(fmt.Sprintf("echo: simple template: %v", err)) // a fixed spec always encodes
	}
	return data
}
