# One Cloud Scheduler job per schedule in force (schedules.tf: the schedules of the jobs of
# functions/sources/*/source.ts, exported to generated/schedules.json, after
# schedule_overrides): it publishes the job message to the topic of the job's source,
# where that source's function picks it up.
resource "google_cloud_scheduler_job" "job" {
  for_each = local.scheduled_jobs

  project     = var.project_id
  region      = var.region
  name        = local.scheduler_job_names[each.key]
  description = each.value.description
  schedule    = each.value.cron
  time_zone   = each.value.time_zone
  paused      = each.value.paused

  pubsub_target {
    topic_name = google_pubsub_topic.jobs[each.value.topic].id
    data       = base64encode(each.value.message)
    attributes = each.value.attributes
  }

  lifecycle {
    precondition {
      condition     = length(local.unknown_schedule_overrides) == 0
      error_message = "schedule_overrides has keys that are no schedule id of generated/schedules.json: ${join(", ", local.unknown_schedule_overrides)}."
    }
  }

  depends_on = [google_project_service.apis]
}
