# The Cloud Scheduler jobs of this environment: every schedule of the job catalogue
# (generated/schedules.json, from the jobs of functions/sources/*) as the code defines it,
# changed or dropped by var.schedule_overrides. Locals only: the tests evaluate them with
# `terraform console`.
locals {
  schedules           = jsondecode(file("${path.module}/generated/schedules.json"))
  catalogue_schedules = { for s in local.schedules.schedules : s.id => s }

  scheduled_jobs = {
    for id, s in local.catalogue_schedules : id => {
      job       = s.job
      topic     = s.topic
      cron      = try(var.schedule_overrides[id].cron, s.cron)
      time_zone = try(var.schedule_overrides[id].time_zone, s.timeZone)
      paused    = try(var.schedule_overrides[id].paused, var.schedules_paused)
      # The code's exact message unless params are overridden; overridden params are
      # merged over the catalogue's (jsonencode then orders the keys).
      message = (
        try(var.schedule_overrides[id].params, null) == null ? s.message
        : jsonencode({ job = s.job, params = merge(s.params, var.schedule_overrides[id].params) })
      )
      attributes  = s.attributes
      description = "${s.job}: ${s.description}"
    }
    if try(var.schedule_overrides[id].enabled, true)
  }

  scheduler_job_names = { for id, s in local.scheduled_jobs : id => "${var.prefix}${id}" }

  # Override keys that name no schedule (a typo would otherwise change nothing).
  unknown_schedule_overrides = setsubtract(keys(var.schedule_overrides), keys(local.catalogue_schedules))
}
