# One Cloud Scheduler job per schedule of the job catalogue (the jobs of functions/sources/*/source.ts,
# exported to generated/schedules.json): it publishes the exact job message to the
# topic of the job's source, where that source's function picks it up.
resource "google_cloud_scheduler_job" "job" {
  for_each = { for s in local.schedules.schedules : s.id => s }

  project     = var.project_id
  region      = var.region
  name        = "${var.prefix}${each.key}"
  description = "${each.value.job}: ${each.value.description}"
  schedule    = each.value.cron
  time_zone   = each.value.timeZone
  paused      = var.schedules_paused

  pubsub_target {
    topic_name = google_pubsub_topic.jobs[each.value.topic].id
    data       = base64encode(each.value.message)
    attributes = each.value.attributes
  }

  depends_on = [google_project_service.apis]
}
