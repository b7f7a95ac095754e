# The code is the source of truth: terraform/generated/*.json (written by
# `npm run schedules` from the source registry functions/sources/registry.ts and functions/deploy/manifest.ts)
# and schemas/bigquery/ (written by `npm run schemas`) say which functions, topics,
# secrets, schedules, tables and views exist. Terraform only adds names and settings
# (names.tf) and grants (access.tf).
#
# First apply on a bare project (README "First apply"): the bootstrap APIs come first,
# every other API after them, every resource after the APIs; the Pub/Sub service agent is
# created explicitly before anything is granted to it; grants settle before the builds
# that need them; alert policies wait for their log metrics (monitoring.tf).

provider "google" {
  project = var.project_id
  region  = var.region
}

# Only for google_project_service_identity, which the GA provider does not have.
provider "google-beta" {
  project = var.project_id
  region  = var.region
}

locals {
  schemas_dir = "${path.module}/../schemas/bigquery"
  manifest    = jsondecode(file("${local.schemas_dir}/manifest.json"))
  source_dir  = coalesce(var.source_dir, "${path.module}/build/source")

  # What every other call needs: Service Usage (enabling APIs, service identities),
  # Cloud Resource Manager (project IAM) and IAM (service accounts, custom roles). On a
  # bare project, enable them once with the gcloud command in README.md "Bootstrap"
  # (Terraform cannot enable Service Usage through Service Usage); Terraform then keeps
  # them enabled.
  bootstrap_apis = toset([
    "cloudresourcemanager.googleapis.com",
    "iam.googleapis.com",
    "serviceusage.googleapis.com",
  ])

  apis = toset([
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "eventarc.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])
}

resource "google_project_service" "bootstrap" {
  for_each = local.bootstrap_apis

  project = var.project_id
  service = each.value
  # Other workloads in the project may use the same APIs.
  disable_on_destroy = false
}

resource "google_project_service" "apis" {
  for_each = local.apis

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false

  depends_on = [google_project_service.bootstrap]
}

# The Pub/Sub service agent (the Google-managed account of the API in this project)
# signs push tokens and moves messages to the dead-letter topic. Enabling the API does not
# always create it at once; this does, and returns its email.
resource "google_project_service_identity" "pubsub" {
  provider = google-beta

  project = var.project_id
  service = "pubsub.googleapis.com"

  depends_on = [google_project_service.apis]
}

# A service agent that was just created is not yet accepted in IAM policies everywhere.
resource "time_sleep" "service_agents" {
  create_duration = "60s"

  triggers = {
    pubsub = google_project_service_identity.pubsub.email
  }
}

locals {
  pubsub_service_agent = "serviceAccount:${time_sleep.service_agents.triggers["pubsub"]}"
}
