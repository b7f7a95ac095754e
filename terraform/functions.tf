# Every entry point of functions/index.ts as a Cloud Functions (gen2) function, built from
# the staged source (npm run package), each running as its own service account.
locals {
  # functions/platform/config.ts (and functions/faces/pubsub/config.ts) read these.
  common_env = {
    FANPULSE_BACKEND      = "gcp"
    GOOGLE_CLOUD_PROJECT  = var.project_id
    FANPULSE_RAW_BUCKET   = google_storage_bucket.raw.name
    FANPULSE_BQ_DATASET   = google_bigquery_dataset.this.dataset_id
    FANPULSE_BQ_LOCATION  = google_bigquery_dataset.this.location
    FANPULSE_TOPIC_PREFIX = var.prefix
    FANPULSE_LOG_LEVEL    = var.log_level
    FANPULSE_RAW_GZIP     = tostring(var.raw_gzip)
    # Secret ids are <prefix><id> (names.tf), so environments keep their own credentials.
    FANPULSE_SECRET_PREFIX = var.prefix
  }

  function_env = {
    for k, f in local.functions : k => merge(
      local.common_env,
      # A run ends (and records itself) a minute before the function would be killed.
      f.kind == "pubsub" ? {
        FANPULSE_RUN_BUDGET_SECONDS = tostring(max(1, local.function_settings[k].timeout_seconds > 120 ? local.function_settings[k].timeout_seconds - 60 : floor(local.function_settings[k].timeout_seconds / 2)))
      } : {},
      # The webhook answers only once Pub/Sub accepted the events: a short batch window keeps
      # that wait small (planners keep the default 20 ms, which packs more per request).
      k == "events" ? { FANPULSE_PUBSUB_BATCH_MS = "5" } : {},
      # V8 heap flags from the function's memory (sizing.tf): peak memory flat in the run's size.
      contains(keys(local.function_node_options), k) ? { NODE_OPTIONS = local.function_node_options[k] } : {},
      # Express (functions-framework) answers errors without stack traces in production.
      f.kind == "http" ? { NODE_ENV = "production" } : {},
      try(var.function_settings[k].env, {}),
    )
  }
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions

  project     = var.project_id
  location    = var.region
  name        = local.function_names[each.key]
  description = each.value.description
  labels      = merge(local.labels, { function = each.value.id })

  build_config {
    runtime         = "nodejs24"
    entry_point     = each.key
    service_account = google_service_account.build.id
    # The environment's own repository, the only one the build account may write to.
    docker_repository = google_artifact_registry_repository.functions.id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory               = local.function_settings[each.key].memory
    available_cpu                  = local.function_settings[each.key].cpu
    timeout_seconds                = local.function_settings[each.key].timeout_seconds
    max_instance_count             = local.function_settings[each.key].max_instances
    min_instance_count             = local.function_settings[each.key].min_instances
    service_account_email          = google_service_account.fn[each.key].email
    all_traffic_on_latest_revision = true
    environment_variables          = local.function_env[each.key]
    # Webhooks come from the internet; job deliveries from Pub/Sub or Eventarc in this
    # project count as internal traffic.
    ingress_settings = each.value.kind == "http" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"

    # Requests one instance serves at once (above 1 needs at least 1 vCPU).
    max_instance_request_concurrency = local.function_settings[each.key].concurrency
  }

  dynamic "event_trigger" {
    for_each = var.pubsub_delivery == "eventarc" && each.value.kind == "pubsub" ? [each.value.consumes] : []
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = google_pubsub_topic.jobs[event_trigger.value].id
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.pubsub_push.email
    }
  }

  lifecycle {
    precondition {
      condition     = length(setsubtract(keys(var.function_settings), keys(local.functions))) == 0
      error_message = "function_settings has keys that are not entry points: ${join(", ", setsubtract(keys(var.function_settings), keys(local.functions)))}."
    }
  }

  # Builds run as the build account and instances as the function's account: both need
  # their grants in force first (time_sleep.grants waits for them to settle).
  depends_on = [time_sleep.grants]
}

# Images of this environment's functions (the build account's only writable repository).
resource "google_artifact_registry_repository" "functions" {
  project       = var.project_id
  location      = var.region
  repository_id = local.image_repository_id
  format        = "DOCKER"
  description   = "fanpulse function images (${trimsuffix(var.prefix, "-")})"
  labels        = local.labels

  # Each deployment pushes a new image; keep the last few of each function.
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "2592000s"
    }
  }

  depends_on = [google_project_service.apis]
}

# The two webhooks (chatbot, events) answer anyone; they authenticate requests themselves
# (Kakao skill header, Messenger signature, per-source tokens and HMAC).
resource "google_cloud_run_v2_service_iam_member" "public_invoker" {
  for_each = local.public_functions

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# The subscriber functions answer only Pub/Sub push (or Eventarc) deliveries.
resource "google_cloud_run_v2_service_iam_member" "push_invoker" {
  for_each = local.pubsub_functions

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = google_service_account.pubsub_push.member
}
