# Every name this configuration gives a resource, derived from var.prefix so that two
# environments share a project without a clash. Locals only (no resource, no data
# source): the tests evaluate this file with `terraform console` for several prefixes
# and check the names are distinct and within each service's limits.
locals {
  deploy = jsondecode(file("${path.module}/generated/functions.json"))

  # Keyed by entry point (spotifyJobs, chatbot, ...).
  functions        = local.deploy.functions
  pubsub_functions = { for k, f in local.functions : k => f if f.kind == "pubsub" }
  public_functions = { for k, f in local.functions : k => f if f.kind == "http" && f.public }

  # The prefix for names that allow no hyphen (dataset, custom role): "fanpulse-" →
  # "fanpulse", "dev-eu-" → "dev_eu". One-to-one, as prefixes end with one hyphen and
  # hold no underscore.
  env_id = replace(trimsuffix(var.prefix, "-"), "-", "_")

  # Topic short name (no prefix) => full topic name.
  topic_names       = { for t in local.deploy.topics : t => "${var.prefix}${t}" }
  dead_letter_topic = "${var.prefix}${local.deploy.dead_letter_topic}"
  # Push subscription per subscriber function; the dead-letter topic's pull subscription.
  push_subscription_names  = { for k, f in local.pubsub_functions : k => "${local.topic_names[f.consumes]}-push" }
  dead_letter_subscription = "${local.dead_letter_topic}-pull"

  raw_bucket_name    = coalesce(var.raw_bucket_name, "${var.project_id}-${var.prefix}raw")
  source_bucket_name = "${var.project_id}-${var.prefix}source"
  dataset_id         = coalesce(var.dataset_id, local.env_id)

  # Secret id the code reads => the environment's secret (FANPULSE_SECRET_PREFIX).
  secret_ids = { for s in local.deploy.secrets : s => "${var.prefix}${s}" }

  function_names = { for k, f in local.functions : k => "${var.prefix}${f.id}" }
  # Service account ids: one per function, the build account, the push identity (6-30 chars).
  function_account_ids = { for k, f in local.functions : k => "${var.prefix}${f.id}" }
  build_account_id     = "${var.prefix}build"
  push_account_id      = "${var.prefix}pubsub-push"

  # Custom role ids are per project, [a-zA-Z0-9_.] only.
  row_inserter_role_id = "${local.env_id}_rowInserter"
  row_inserter_role    = "projects/${var.project_id}/roles/${local.row_inserter_role_id}"

  # Artifact Registry repository of the function images.
  image_repository_id = "${var.prefix}functions"

  log_metric_names = { for k in keys(local.log_metrics) : k => "${var.prefix}${k}" }
  alert_suffix     = " (${trimsuffix(var.prefix, "-")})"

  labels = merge(var.labels, { app = "fanpulse", managed-by = "terraform", environment = trimsuffix(var.prefix, "-") })

  # Every name above, by the namespace it must be unique in (all are per project, buckets
  # are global). The tests read this.
  resource_names = {
    buckets          = [local.raw_bucket_name, local.source_bucket_name]
    datasets         = [local.dataset_id]
    topics           = concat(values(local.topic_names), [local.dead_letter_topic])
    subscriptions    = concat(values(local.push_subscription_names), [local.dead_letter_subscription])
    secrets          = values(local.secret_ids)
    functions        = values(local.function_names)
    service_accounts = concat(values(local.function_account_ids), [local.build_account_id, local.push_account_id])
    scheduler_jobs   = values(local.scheduler_job_names)
    custom_roles     = [local.row_inserter_role_id]
    repositories     = [local.image_repository_id]
    log_metrics      = values(local.log_metric_names)
  }
}
