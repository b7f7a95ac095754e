# One service account per function, granted only what functions/deploy/manifest.ts says
# the function touches, each grant on the narrowest resource that works. No primitive
# role (owner, editor, viewer) is granted anywhere; a test checks it.
locals {
  # "<entry point>/<topic>" => grant, for every topic a function publishes to.
  publish_grants = merge([
    for k, f in local.functions : {
      for t in f.publishes : "${k}/${t}" => { function = k, topic = t }
    }
  ]...)

  # "<entry point>/<secret id>" => grant: accessor on exactly the secrets it reads.
  secret_grants = merge([
    for k, f in local.functions : {
      for s in f.secrets : "${k}/${s}" => { function = k, secret = s }
    }
  ]...)

  storage_roles   = { "read-write" = "roles/storage.objectUser", "read" = "roles/storage.objectViewer" }
  warehouse_roles = { "write" = "roles/bigquery.dataEditor", "read" = "roles/bigquery.dataViewer" }

  storage_functions   = { for k, f in local.functions : k => f if f.storage != "none" }
  warehouse_functions = { for k, f in local.functions : k => f if f.warehouse != "none" }
}

resource "google_service_account" "fn" {
  for_each = local.functions

  project      = var.project_id
  account_id   = "${var.prefix}${each.value.id}"
  display_name = "fanpulse ${each.key} function"
  description  = each.value.description

  depends_on = [google_project_service.apis]
}

# Structured logs (the run summaries the alerts count) are written by the function.
resource "google_project_iam_member" "fn_log_writer" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.fn[each.key].member
}

# Raw landing and the state store (objects are rewritten, so create + delete + get).
resource "google_storage_bucket_iam_member" "fn_raw" {
  for_each = local.storage_functions

  bucket = google_storage_bucket.raw.name
  role   = local.storage_roles[each.value.storage]
  member = google_service_account.fn[each.key].member
}

# Streaming inserts (dataEditor) or reads (dataViewer) on the dataset only...
resource "google_bigquery_dataset_iam_member" "fn_warehouse" {
  for_each = local.warehouse_functions

  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = local.warehouse_roles[each.value.warehouse]
  member     = google_service_account.fn[each.key].member
}

# ...and running query jobs, which BigQuery only grants per project.
resource "google_project_iam_member" "fn_bigquery_jobs" {
  for_each = local.warehouse_functions

  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = google_service_account.fn[each.key].member
}

resource "google_pubsub_topic_iam_member" "fn_publisher" {
  for_each = local.publish_grants

  project = var.project_id
  topic   = google_pubsub_topic.jobs[each.value.topic].name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.fn[each.value.function].member
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = local.secret_grants

  project   = var.project_id
  secret_id = google_secret_manager_secret.secret[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn[each.value.function].member
}

# Cloud Build builds the function images as this account instead of the project's
# default compute account (which new projects no longer give Editor).
resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.prefix}build"
  display_name = "fanpulse function builds"

  depends_on = [google_project_service.apis]
}

resource "google_project_iam_member" "build" {
  for_each = toset(["roles/cloudbuild.builds.builder", "roles/logging.logWriter"])

  project = var.project_id
  role    = each.value
  member  = google_service_account.build.member
}

resource "google_storage_bucket_iam_member" "build_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}

# The identity Pub/Sub (push) or Eventarc presents when it calls a subscriber function.
resource "google_service_account" "pubsub_push" {
  project      = var.project_id
  account_id   = "${var.prefix}pubsub-push"
  display_name = "fanpulse Pub/Sub deliveries to the job functions"

  depends_on = [google_project_service.apis]
}

# Projects created before April 2021 need this for Pub/Sub to mint the push OIDC token.
resource "google_service_account_iam_member" "pubsub_push_token" {
  service_account_id = google_service_account.pubsub_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent

  # The service agent exists once the Pub/Sub API is enabled.
  depends_on = [google_project_service.apis]
}

resource "google_project_iam_member" "pubsub_push_event_receiver" {
  count = var.pubsub_delivery == "eventarc" ? 1 : 0

  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = google_service_account.pubsub_push.member
}
