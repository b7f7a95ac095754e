output "function_urls" {
  description = "URL of every function, keyed by entry point."
  value       = { for k, f in google_cloudfunctions2_function.fn : k => f.service_config[0].uri }
}

output "webhook_urls" {
  description = "The public functions (chatbot, events), keyed by entry point: register these with Kakao i OpenBuilder, Messenger and the event sources."
  value       = { for k, f in local.public_functions : k => google_cloudfunctions2_function.fn[k].service_config[0].uri }
}

output "function_service_accounts" {
  description = "Service account email of every function, keyed by entry point."
  value       = { for k, sa in google_service_account.fn : k => sa.email }
}

output "raw_bucket" {
  description = "Bucket of the raw API answers (raw/...) and the run state (state/...): FANPULSE_RAW_BUCKET."
  value       = google_storage_bucket.raw.name
}

output "source_bucket" {
  description = "Bucket of the function source archives."
  value       = google_storage_bucket.source.name
}

output "dataset_id" {
  description = "BigQuery dataset of the tables and views: FANPULSE_BQ_DATASET."
  value       = google_bigquery_dataset.this.dataset_id
}

output "tables" {
  description = "BigQuery tables and views created from schemas/bigquery."
  value = {
    tables = sort(keys(google_bigquery_table.table))
    views  = sort(concat(keys(google_bigquery_table.view), keys(google_bigquery_table.view_level_1), keys(google_bigquery_table.view_level_2)))
  }
}

output "topics" {
  description = "Job topics keyed by short name (spotify-jobs, ...); publish jobs there with `fanpulse publish`."
  value       = { for k, t in google_pubsub_topic.jobs : k => t.name }
}

output "topic_prefix" {
  description = "FANPULSE_TOPIC_PREFIX: set it (and GOOGLE_CLOUD_PROJECT) to publish jobs from a laptop."
  value       = var.prefix
}

output "dead_letter_topic" {
  description = "Topic that receives job messages Pub/Sub gave up on."
  value       = google_pubsub_topic.dead_letter.name
}

output "dead_letter_subscription" {
  description = "Pull subscription that keeps the dead-lettered messages."
  value       = google_pubsub_subscription.dead_letter.name
}

output "secret_ids" {
  description = "Secret Manager secrets of this environment (<prefix><id>) to fill with `gcloud secrets versions add` (created empty)."
  value       = sort([for s in google_secret_manager_secret.secret : s.secret_id])
}

output "scheduler_jobs" {
  description = "Cloud Scheduler jobs keyed by schedule id, with the cron, time zone and message in force (after schedule_overrides)."
  value = {
    for k, j in google_cloud_scheduler_job.job : k => {
      name      = j.name
      cron      = j.schedule
      time_zone = j.time_zone
      paused    = j.paused
      message   = local.scheduled_jobs[k].message
    }
  }
}

output "image_repository" {
  description = "Artifact Registry repository of the function images."
  value       = google_artifact_registry_repository.functions.id
}
