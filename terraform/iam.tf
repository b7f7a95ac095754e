# One service account per function, granted exactly the rows of local.function_grants
# (access.tf), each on the narrowest resource that works. No primitive role (owner,
# editor, viewer) and no authoritative IAM resource anywhere; tests check both, and that
# no grant goes beyond what functions/deploy/manifest.ts says a function does.

resource "google_service_account" "fn" {
  for_each = local.functions

  project      = var.project_id
  account_id   = local.function_account_ids[each.key]
  display_name = "fanpulse ${each.key} function"
  description  = each.value.description

  depends_on = [google_project_service.apis]
}

# Logs (every function) and query jobs (functions that query), which exist per project only.
resource "google_project_iam_member" "fn" {
  for_each = { for k, g in local.function_grants : k => g if g.on == "project" }

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.fn[each.value.function].member
}

# Raw landing and the state store (objects are rewritten, so create + delete + get).
resource "google_storage_bucket_iam_member" "fn_raw" {
  for_each = { for k, g in local.function_grants : k => g if g.on == "bucket" }

  bucket = google_storage_bucket.raw.name
  role   = each.value.role
  member = google_service_account.fn[each.value.function].member
}

# Streaming rows into existing tables and nothing else: no creating, altering or
# deleting tables or views, no reading data.
resource "google_project_iam_custom_role" "row_inserter" {
  project     = var.project_id
  role_id     = local.row_inserter_role_id
  title       = "fanpulse row inserter (${trimsuffix(var.prefix, "-")})"
  description = "Streams rows into the tables of the ${local.dataset_id} dataset (tabledata.insertAll), nothing else."
  permissions = local.row_inserter_permissions

  depends_on = [google_project_service.bootstrap]
}

# Row inserts (custom role) or reads (dataViewer) on the dataset only.
resource "google_bigquery_dataset_iam_member" "fn_warehouse" {
  for_each = { for k, g in local.function_grants : k => g if g.on == "dataset" }

  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = each.value.role
  member     = google_service_account.fn[each.value.function].member

  # The role is named in access.tf (a plain string), so the edge to it is explicit.
  depends_on = [google_project_iam_custom_role.row_inserter]
}

resource "google_pubsub_topic_iam_member" "fn_publisher" {
  for_each = { for k, g in local.function_grants : k => g if g.on == "topic" }

  project = var.project_id
  topic   = google_pubsub_topic.jobs[each.value.target].name
  role    = each.value.role
  member  = google_service_account.fn[each.value.function].member
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = { for k, g in local.function_grants : k => g if g.on == "secret" }

  project   = var.project_id
  secret_id = google_secret_manager_secret.secret[each.value.target].secret_id
  role      = each.value.role
  member    = google_service_account.fn[each.value.function].member
}

# Cloud Build builds the function images as this account instead of the project's
# default compute account (which new projects no longer give Editor). It gets what
# Google documents for a custom build service account, each on the narrowest target:
# logging.logWriter (build logs), artifactregistry.writer (on the image repository
# only) and storage.objectViewer (on the staged source only).
resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = local.build_account_id
  display_name = "fanpulse function builds"

  depends_on = [google_project_service.apis]
}

resource "google_project_iam_member" "build_log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.build.member
}

resource "google_artifact_registry_repository_iam_member" "build_images" {
  project    = var.project_id
  location   = google_artifact_registry_repository.functions.location
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.build.member
}

resource "google_storage_bucket_iam_member" "build_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}

# Cloud Functions copies the uploaded archive into its own staging bucket
# (gcf-v2-sources-<project number>-<region>) and builds from there; that bucket appears
# with the first deployment, so the read grant is conditioned on its name, not on the
# bucket.
resource "google_project_iam_member" "build_staged_source" {
  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = google_service_account.build.member

  condition {
    title       = "function source staging only"
    description = "Objects of the Cloud Functions source staging buckets of this project."
    expression  = "resource.name.startsWith(\"projects/_/buckets/gcf-v2-sources-\")"
  }
}

# Grants take a moment to reach every Google service; the first build must not run before
# the build account can read the source and push the image, nor a function start before
# its account can read its secrets.
resource "time_sleep" "grants" {
  create_duration = "60s"

  depends_on = [
    google_project_iam_member.build_log_writer,
    google_artifact_registry_repository_iam_member.build_images,
    google_storage_bucket_iam_member.build_source,
    google_project_iam_member.build_staged_source,
    google_project_iam_member.fn,
    google_storage_bucket_iam_member.fn_raw,
    google_bigquery_dataset_iam_member.fn_warehouse,
    google_pubsub_topic_iam_member.fn_publisher,
    google_secret_manager_secret_iam_member.accessor,
  ]
}

# The identity Pub/Sub (push) or Eventarc presents when it calls a subscriber function.
resource "google_service_account" "pubsub_push" {
  project      = var.project_id
  account_id   = local.push_account_id
  display_name = "fanpulse Pub/Sub deliveries to the job functions"

  depends_on = [google_project_service.apis]
}

# Projects created before April 2021 need this for Pub/Sub to mint the push OIDC token.
# The member is the service agent, after time_sleep.service_agents (main.tf).
resource "google_service_account_iam_member" "pubsub_push_token" {
  service_account_id = google_service_account.pubsub_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

resource "google_project_iam_member" "pubsub_push_event_receiver" {
  count = var.pubsub_delivery == "eventarc" ? 1 : 0

  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = google_service_account.pubsub_push.member
}
