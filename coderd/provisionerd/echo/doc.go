// Package echo is a declarative provisioner for tests and demos.
//
// An echo template is an archive with an echo.yaml (or echo.json, the same
// schema in JSON) at its root that says what an import returns and what
// each transition logs, creates or fails with. Nothing is provisioned: a
// build without a configured delay takes microseconds, which makes the
// whole control plane testable end to end without Terraform.
//
// # Schema
//
// Every key is optional. Unknown keys are an error (the job fails with a
// message naming the key), so typos do not pass silently.
//
//	parameters:                  # rich parameters (codersdk.TemplateVersionParameter)
//	  - name: region             # required, unique
//	    display_name: Region
//	    description: Where the workspace runs.
//	    type: string             # string (default) | number | bool | list(string)
//	    form_type: radio         # a UI hint, passed through
//	    default: us              # a value of the type; list(string) takes JSON: '["a"]'
//	    required: false          # true: no default, the user must choose
//	    mutable: true            # may change after creation
//	    ephemeral: false         # value used for one build only (needs mutable)
//	    icon: /icon/globe.svg
//	    order: 1
//	    options:                 # at most 64; excludes validation
//	      - {name: US, value: us, description: "", icon: ""}
//	      - {name: EU, value: eu}
//	    validation:              # string: regex (+ error); number: min, max, monotonic
//	      regex: "^[a-z]+$"
//	      error: "lowercase letters only"   # for min/max may use {min} {max} {value}
//	      min: 1
//	      max: 10
//	      monotonic: increasing  # or decreasing, against the previous build's value
//	variables:                   # template variables (codersdk.TemplateVersionVariable)
//	  - {name: image, type: string, default: ubuntu, description: "", sensitive: false}
//	  - {name: api_key, required: true, sensitive: true}   # type: string | number | bool
//	presets:
//	  - name: small
//	    description: ""
//	    icon: ""
//	    default: true            # at most one
//	    parameters: {region: us} # must name declared parameters, with valid values
//	external_auth:
//	  - {id: github, optional: true}
//	readme: "# Markdown"         # default: README.md from the archive, if any
//	import:                      # a phase: what an import job does
//	  logs: [{level: info, stage: "Parsing template parameters", output: "..."}]
//	  delay: 50ms                # a Go duration; honours cancellation
//	  fail: ""                   # non-empty: the job fails with this message
//	  fail_code: ""              # error_code reported with the failure
//	start:                       # a phase plus the resources it creates
//	  logs: [{level: info, output: "pulling {{.Param \"image\"}}"}]
//	  delay: 10ms
//	  resources:
//	    - name: dev              # required
//	      type: docker_container # required
//	      icon: /icon/docker.png
//	      hide: false
//	      instance_type: t3.micro
//	      daily_cost: 10
//	      metadata: [{key: cpu, value: "2", sensitive: false, is_null: false}]
//	      agents:
//	        - name: main         # required, unique in the phase, hostname-safe
//	          id: ""             # a UUID; empty: the server assigns one
//	          os: linux          # default linux
//	          arch: amd64        # default amd64
//	          directory: /home/coder
//	          env: {EDITOR: vim}
//	          auth: token        # token (default) | instance_id
//	          token: ""          # empty: a fresh token per build
//	          instance_id: ""    # required with auth: instance_id
//	          connection_timeout_seconds: 120
//	          troubleshooting_url: ""
//	          motd_file: /etc/motd
//	          order: 0
//	          display_apps:      # defaults: vscode, web_terminal, ssh_helper,
//	            vscode_insiders: true     # port_forwarding_helper on; vscode_insiders off
//	          scripts:
//	            - {display_name: Startup, script: "echo hi", run_on_start: true,
//	               start_blocks_login: false, run_on_stop: false, cron: "",
//	               timeout_seconds: 0, log_path: "", icon: ""}
//	          metadata:
//	            - {key: load, display_name: Load, script: "uptime", interval: 10, timeout: 1, order: 0}
//	          apps:
//	            - slug: code     # required, unique per agent, [a-z0-9-]
//	              display_name: Code
//	              url: "http://localhost:8080/?region={{.Param \"region\"}}"
//	              command: ""
//	              icon: /icon/code.svg
//	              subdomain: false
//	              external: false
//	              hidden: false
//	              sharing_level: owner   # owner (default) | authenticated | organization | public
//	              open_in: slim-window   # slim-window (default) | tab
//	              group: ""
//	              order: 0
//	              healthcheck: {url: "http://localhost:8080/healthz", interval: 5, threshold: 6}
//	stop:   {...}                # same as start; default: no resources
//	delete: {...}                # same as start; default: no resources
//
// # Templating
//
// Log outputs, fail messages, resource metadata values, agent env values,
// app URLs and commands and script bodies are Go text/templates executed
// with the build's provisioner.Metadata (.WorkspaceName, .WorkspaceOwner,
// .WorkspaceOwnerEmail, .WorkspaceID, .TemplateName, .CoderURL, ...), the
// transition (.Transition) and two functions of the values in effect:
// {{.Param "region"}} and {{.Var "image"}}.
//
// # Builds
//
// A build resolves parameter and variable values (the request's, else the
// defaults) and validates them, then logs in three stages ("Setting up",
// "Planning", "Applying"), running the transition's logs, delay and fail
// in the last one ("Planning" for a dry run). It returns the transition's
// resources and, unless DryRun, a new State recording the transition, the
// parameter values and a build counter (see ParseState).
package echo
