package terraform_test

import (
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

const providerBlock = `
terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
  }
}
`

// realisticTemplate exercises most of what templates declare.
const realisticTemplate = providerBlock + `
variable "region" {
  description = "Where workspaces run"
  type        = string
  default     = "eu-west"
}

variable "api_key" {
  description = "A secret"
  type        = string
  sensitive   = true
}

variable "replicas" {
  type    = number
  default = 1
}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}
data "coder_provisioner" "me" {}

data "coder_parameter" "image" {
  name         = "image"
  display_name = "Image"
  description  = "Container image"
  icon         = "/icon/docker.svg"
  default      = "ubuntu"
  mutable      = true
  order        = 1
  validation {
    regex = "^[a-z]+$"
    error = "lowercase only"
  }
}

data "coder_parameter" "cpus" {
  name    = "cpus"
  type    = "number"
  default = 2
  order   = 2
  validation {
    min       = 1
    max       = 8
    monotonic = "increasing"
  }
}

data "coder_parameter" "gpu" {
  name      = "gpu"
  type      = "bool"
  default   = false
  mutable   = true
  ephemeral = true
}

data "coder_parameter" "tools" {
  name      = "tools"
  type      = "list(string)"
  form_type = "multi-select"
  default   = jsonencode(["git"])
  option {
    name  = "Git"
    value = "git"
  }
  option {
    name        = "Make"
    value       = "make"
    description = "GNU make"
    icon        = "/icon/make.svg"
  }
}

data "coder_parameter" "project" {
  name        = "project"
  description = "No default: required"
}

data "coder_workspace_preset" "big" {
  name        = "big"
  description = "Lots of CPUs"
  default     = true
  parameters = {
    cpus  = "8"
    image = "debian"
  }
}

data "coder_external_auth" "github" {
  id       = "github"
  optional = true
}

resource "coder_agent" "main" {
  os                  = "linux"
  arch                = "amd64"
  dir                 = "/home/coder"
  connection_timeout  = 300
  troubleshooting_url = "https://example.com/help"
  motd_file           = "/etc/motd"
  order               = 3
  env = {
    REGION = var.region
  }
  display_apps {
    vscode          = false
    vscode_insiders = true
  }
  metadata {
    key          = "load"
    display_name = "Load"
    script       = "uptime"
    interval     = 10
    timeout      = 1
  }
}

resource "coder_app" "code" {
  agent_id     = coder_agent.main.id
  slug         = "code"
  display_name = "Code"
  url          = "http://localhost:8080/?image=${data.coder_parameter.image.value}"
  icon         = "/icon/code.svg"
  subdomain    = true
  share        = "authenticated"
  order        = 1
  open_in      = "tab"
  group        = "editors"
  healthcheck {
    url       = "http://localhost:8080/healthz"
    interval  = 5
    threshold = 6
  }
}

resource "coder_app" "shell" {
  agent_id = coder_agent.main.id
  slug     = "shell"
  command  = "bash"
  hidden   = true
}

resource "coder_script" "hello" {
  agent_id           = coder_agent.main.id
  display_name       = "Hello"
  script             = "echo hello"
  run_on_start       = true
  start_blocks_login = true
  timeout            = 30
}

resource "coder_env" "project" {
  agent_id = coder_agent.main.id
  name     = "PROJECT"
  value    = data.coder_parameter.project.value
}

locals {
  # Through a local, as templates often do.
  token = coder_agent.main.token
}

# The compute: it exists only while started and references the agent token.
resource "terraform_data" "dev" {
  count = data.coder_workspace.me.start_count
  input = {
    token   = local.token
    owner   = data.coder_workspace_owner.me.name
    groups  = data.coder_workspace_owner.me.groups
    project = data.coder_parameter.project.value
    api_key = var.api_key
  }
}

# A persistent resource, present when stopped too.
resource "terraform_data" "home" {
  input = data.coder_workspace.me.id
}

resource "coder_metadata" "home" {
  resource_id = terraform_data.home.id
  daily_cost  = 7
  icon        = "/icon/folder.svg"
  item {
    key   = "image"
    value = data.coder_parameter.image.value
  }
  item {
    key   = "owner"
    value = "${data.coder_workspace_owner.me.name} <${data.coder_workspace_owner.me.email}>"
  }
  item {
    key   = "groups"
    value = join(",", data.coder_workspace_owner.me.groups)
  }
  item {
    key       = "secret"
    value     = "hunter2"
    sensitive = true
  }
  item {
    key = "nothing"
  }
}
`

var realisticVariables = []provisioner.VariableValue{{Name: "api_key", Value: "s3cret", Sensitive: true}}

// buildTemplate is small but complete: an agent on a compute resource that
// exists while started, a persistent resource, and a parameter that shows
// up in metadata.
const buildTemplate = providerBlock + `
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "size" {
  name    = "size"
  default = "small"
  mutable = true
  option {
    name  = "Small"
    value = "small"
  }
  option {
    name  = "Large"
    value = "large"
  }
}

data "coder_parameter" "disk" {
  name    = "disk"
  type    = "number"
  default = 10
  mutable = true
  validation {
    min       = 1
    monotonic = "increasing"
  }
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_app" "web" {
  agent_id = coder_agent.main.id
  slug     = "web"
  url      = "http://localhost:3000"
}

resource "coder_env" "size" {
  agent_id = coder_agent.main.id
  name     = "SIZE"
  value    = data.coder_parameter.size.value
}

resource "terraform_data" "vm" {
  count = data.coder_workspace.me.start_count
  input = coder_agent.main.token
}

resource "coder_metadata" "vm" {
  count       = data.coder_workspace.me.start_count
  resource_id = terraform_data.vm[0].id
  item {
    key   = "size"
    value = data.coder_parameter.size.value
  }
  item {
    key   = "workspace"
    value = "${data.coder_workspace_owner.me.name}/${data.coder_workspace.me.name}/${data.coder_workspace.me.transition}"
  }
}

resource "terraform_data" "disk" {
  input = data.coder_parameter.disk.value
}

output "size" {
  value = data.coder_parameter.size.value
}
`
