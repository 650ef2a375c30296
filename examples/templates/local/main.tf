terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
  }
}

# The workspace is a directory on the provisioner's host and `coder agent`
# runs there as a plain process: no provider beyond coder/coder, so this
# works on a machine without network access. Good for trying the product on
# one machine; there is no isolation between workspaces.

variable "base_dir" {
  description = "Where workspace directories are created on the server's host (one per workspace)."
  type        = string
  default     = "/tmp/coder-local"
}

data "coder_provisioner" "me" {}
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

locals {
  dir = "${var.base_dir}/${data.coder_workspace.me.id}"
}

resource "coder_agent" "main" {
  os   = data.coder_provisioner.me.os
  arch = data.coder_provisioner.me.arch
  dir  = local.dir

  startup_script = <<-EOT
    echo "Hello, ${data.coder_workspace_owner.me.name}: workspace ${data.coder_workspace.me.name} runs in $(pwd)"
  EOT

  metadata {
    key          = "load"
    display_name = "Load average"
    script       = "cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime"
    interval     = 10
    timeout      = 2
  }
  metadata {
    key          = "disk"
    display_name = "Disk used"
    script       = "df -h . | awk 'NR==2 {print $5}'"
    interval     = 60
    timeout      = 5
  }
}

# The "machine": exists while the workspace is started. Creating it starts
# the agent in the background in the workspace directory; destroying it (on
# stop and delete) sends the agent SIGTERM (it runs its stop scripts), waits
# up to 30 seconds, then kills it.
resource "terraform_data" "agent" {
  count = data.coder_workspace.me.start_count

  # Destroy-time provisioners may only read self, so what they need is
  # kept here.
  input = {
    dir = local.dir
  }

  provisioner "local-exec" {
    command = <<-EOT
      set -eu
      umask 077
      mkdir -p "$DIR"
      cd "$DIR"
      printf '%s\n' "$INIT_SCRIPT" > init.sh
      printf '%s\n' "$CODER_AGENT_TOKEN" > agent.token
      cat > start.sh <<'START'
      #!/bin/sh
      # Starts the agent in the background (again, after it was killed).
      cd "$(dirname "$0")"
      launch=""
      command -v setsid >/dev/null 2>&1 && launch="setsid"
      env -i PATH="$PATH" HOME="$HOME" USER="$${USER:-}" \
        CODER_AGENT_TOKEN_FILE="$PWD/agent.token" CODER_AGENT_LOG_DIR="$PWD" \
        nohup $launch sh ./init.sh >>agent.out 2>&1 </dev/null &
      echo $! > agent.pid
      START
      sh ./start.sh
    EOT
    environment = {
      DIR               = local.dir
      INIT_SCRIPT       = coder_agent.main.init_script
      CODER_AGENT_TOKEN = coder_agent.main.token
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = <<-EOT
      alive() {
        kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != "Z" ]
      }
      if [ -f "$DIR/agent.pid" ]; then
        pid=$(cat "$DIR/agent.pid")
        if alive "$pid"; then
          kill -TERM "$pid" 2>/dev/null || true
          i=0
          while alive "$pid" && [ "$i" -lt 30 ]; do sleep 1; i=$((i + 1)); done
          kill -KILL "$pid" 2>/dev/null || true
        fi
      fi
      rm -f "$DIR/agent.pid" "$DIR/agent.token"
    EOT
    environment = {
      DIR = self.input.dir
    }
  }
}

resource "coder_metadata" "agent" {
  count       = data.coder_workspace.me.start_count
  resource_id = terraform_data.agent[0].id
  icon        = "/icon/code.svg"
  item {
    key   = "directory"
    value = local.dir
  }
}
