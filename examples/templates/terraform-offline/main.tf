terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
  }
}

# Everything here works without network access: the coder provider comes
# from the server's local mirror and terraform_data is built into
# Terraform. Replace terraform_data.workspace with the resource that really
# runs your workspace (a container, a VM) once the provider for it is
# available to the server.

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "cpu" {
  name         = "cpu"
  display_name = "CPU cores"
  description  = "How many cores the workspace gets."
  type         = "number"
  default      = 2
  mutable      = true
  icon         = "/icon/memory.svg"
  order        = 1
  validation {
    min = 1
    max = 8
  }
}

data "coder_parameter" "editor" {
  name         = "editor"
  display_name = "Editor"
  description  = "The editor opened by the Editor app."
  default      = "vim"
  mutable      = true
  order        = 2
  option {
    name  = "Vim"
    value = "vim"
  }
  option {
    name  = "Nano"
    value = "nano"
  }
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
  dir  = "/home/coder"
  env = {
    EDITOR = data.coder_parameter.editor.value
  }

  metadata {
    key          = "load"
    display_name = "Load average"
    script       = "cat /proc/loadavg"
    interval     = 10
    timeout      = 1
  }
}

resource "coder_app" "editor" {
  agent_id     = coder_agent.main.id
  slug         = "editor"
  display_name = "Editor"
  command      = data.coder_parameter.editor.value
  icon         = "/icon/terminal.svg"
}

# The "compute": it holds what a real machine would need to start the agent.
# Referencing the agent's token is what attaches the agent to it.
resource "terraform_data" "workspace" {
  count = data.coder_workspace.me.start_count
  input = {
    owner       = data.coder_workspace_owner.me.name
    name        = data.coder_workspace.me.name
    cpu         = data.coder_parameter.cpu.value
    agent_token = coder_agent.main.token
  }
}

resource "coder_metadata" "workspace" {
  count       = data.coder_workspace.me.start_count
  resource_id = terraform_data.workspace[0].id
  icon        = "/icon/terraform.svg"
  item {
    key   = "cpu"
    value = data.coder_parameter.cpu.value
  }
  item {
    key   = "owner"
    value = data.coder_workspace_owner.me.name
  }
}
