# The code is the source of truth: terraform/generated/*.json (written by
# `npm run schedules` from the source registry functions/sources/registry.ts and functions/deploy/manifest.ts)
# and schemas/bigquery/ (written by `npm run schemas`) say which functions, topics,
# secrets, schedules, tables and views exist. Terraform only adds names and settings.

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  deploy      = jsondecode(file("${path.module}/generated/functions.json"))
  schedules   = jsondecode(file("${path.module}/generated/schedules.json"))
  schemas_dir = "${path.module}/../schemas/bigquery"
  manifest    = jsondecode(file("${local.schemas_dir}/manifest.json"))
  source_dir  = coalesce(var.source_dir, "${path.module}/build/source")

  # Keyed by entry point (spotifyJobs, chatbot, ...).
  functions        = local.deploy.functions
  pubsub_functions = { for k, f in local.functions : k => f if f.kind == "pubsub" }
  public_functions = { for k, f in local.functions : k => f if f.kind == "http" && f.public }

  # Topic short name (no prefix) => full topic name.
  topic_names       = { for t in local.deploy.topics : t => "${var.prefix}${t}" }
  dead_letter_topic = "${var.prefix}${local.deploy.dead_letter_topic}"

  raw_bucket_name = coalesce(var.raw_bucket_name, "${var.project_id}-${var.prefix}raw")

  labels = merge(var.labels, { app = "fanpulse", managed-by = "terraform" })

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  apis = toset([
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "eventarc.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])
}

resource "google_project_service" "apis" {
  for_each = local.apis

  project = var.project_id
  service = each.value
  # Other workloads in the project may use the same APIs.
  disable_on_destroy = false
}
