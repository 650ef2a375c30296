terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.23"
    }
  }
}

variable "namespace" {
  description = "The namespace workspaces are created in (it must exist)."
  type        = string
  default     = "coder-workspaces"
}

variable "use_kubeconfig" {
  description = "Use ~/.kube/config of the server's user instead of the in-cluster service account."
  type        = bool
  default     = false
}

provider "kubernetes" {
  config_path = var.use_kubeconfig ? "~/.kube/config" : null
}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "cpu" {
  name         = "cpu"
  display_name = "CPU"
  description  = "CPU cores of the workspace."
  type         = "number"
  default      = 2
  mutable      = true
  order        = 1
  option {
    name  = "2 cores"
    value = 2
  }
  option {
    name  = "4 cores"
    value = 4
  }
}

data "coder_parameter" "memory" {
  name         = "memory"
  display_name = "Memory"
  description  = "Memory in GiB."
  type         = "number"
  default      = 4
  mutable      = true
  order        = 2
  validation {
    min = 1
    max = 16
  }
}

data "coder_parameter" "home_size" {
  name         = "home_size"
  display_name = "Home disk size"
  description  = "Size of the home volume in GiB (it can only grow)."
  type         = "number"
  default      = 10
  mutable      = false
  order        = 3
  validation {
    min       = 1
    max       = 100
    monotonic = "increasing"
  }
}

locals {
  name = "coder-${data.coder_workspace.me.id}"
  labels = {
    "app.kubernetes.io/name"     = "coder-workspace"
    "app.kubernetes.io/instance" = local.name
    "coder.owner"                = data.coder_workspace_owner.me.name
    "coder.workspace_id"         = data.coder_workspace.me.id
  }
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
  dir  = "/home/coder"

  startup_script = <<-EOT
    set -e
    if [ ! -f ~/.init_done ]; then
      cp -rT /etc/skel ~ 2>/dev/null || true
      touch ~/.init_done
    fi
  EOT

  metadata {
    key          = "cpu"
    display_name = "CPU load"
    script       = "cut -d' ' -f1 /proc/loadavg"
    interval     = 10
    timeout      = 2
  }
  metadata {
    key          = "home"
    display_name = "Home disk"
    script       = "df -h /home/coder | awk 'NR==2 {print $3 \" / \" $2}'"
    interval     = 60
    timeout      = 5
  }
}

# The home directory survives stops; deleting the workspace deletes it.
resource "kubernetes_persistent_volume_claim" "home" {
  metadata {
    name      = "${local.name}-home"
    namespace = var.namespace
    labels    = local.labels
  }
  wait_until_bound = false
  spec {
    access_modes = ["ReadWriteOnce"]
    resources {
      requests = {
        storage = "${data.coder_parameter.home_size.value}Gi"
      }
    }
  }
}

# One replica while started, none while stopped: stop ends the pod (the
# agent gets SIGTERM and runs its stop scripts), the claim stays.
resource "kubernetes_deployment" "workspace" {
  count            = data.coder_workspace.me.start_count
  wait_for_rollout = false
  metadata {
    name      = local.name
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    replicas = 1
    selector {
      match_labels = {
        "app.kubernetes.io/instance" = local.name
      }
    }
    strategy {
      type = "Recreate"
    }
    template {
      metadata {
        labels = local.labels
      }
      spec {
        security_context {
          run_as_user = 1000
          fs_group    = 1000
        }
        container {
          name              = "dev"
          image             = "codercom/enterprise-base:ubuntu"
          image_pull_policy = "Always"
          command           = ["sh", "-c", coder_agent.main.init_script]
          env {
            name  = "CODER_AGENT_TOKEN"
            value = coder_agent.main.token
          }
          resources {
            requests = {
              cpu    = "250m"
              memory = "512Mi"
            }
            limits = {
              cpu    = data.coder_parameter.cpu.value
              memory = "${data.coder_parameter.memory.value}Gi"
            }
          }
          volume_mount {
            mount_path = "/home/coder"
            name       = "home"
          }
        }
        volume {
          name = "home"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim.home.metadata[0].name
          }
        }
      }
    }
  }
}
