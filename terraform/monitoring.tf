# Log-based metrics on the functions' structured logs and alert policies on them:
#  - failed job runs: the run summary line (functions/core/runner.ts) has message
#    "job run failed" (ERROR, will be retried) or "job run failed permanently" (ALERT);
#  - anything logged at ALERT (permanent failures, runs given up, misconfiguration);
#  - data quality: "warehouse rejected rows" (functions/platform/rows.ts) and runs whose
#    summary counted bad records (quality_total > 0);
#  - dead-lettered job messages waiting in the dead-letter subscription.
locals {
  function_service_names = [for f in local.functions : "\"${var.prefix}${f.id}\""]
  functions_log_filter   = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=(${join(" OR ", local.function_service_names)})"
  alert_window           = "${var.alert_window_minutes * 60}s"

  log_metrics = {
    job-run-failures = {
      description = "Job runs that ended failed (ERROR: retried) or failed permanently (ALERT)."
      filter      = "severity>=ERROR AND jsonPayload.message=(\"job run failed\" OR \"job run failed permanently\")"
    }
    alert-logs = {
      description = "Lines logged at ALERT: permanent failures, runs given up, misconfigured functions."
      filter      = "severity=ALERT"
    }
    warehouse-rejected-rows = {
      description = "BigQuery refused rows of a run (schema or value problems)."
      filter      = "severity>=ERROR AND jsonPayload.message=\"warehouse rejected rows\""
    }
    runs-with-bad-records = {
      description = "Job runs that counted bad records or fields (quality_total > 0 in the run summary)."
      filter      = "jsonPayload.message=(\"job run finished\" OR \"job run failed\" OR \"job run failed permanently\") AND jsonPayload.quality_total>0"
    }
  }

  log_alerts = {
    job-run-failures = {
      display_name = "fanpulse: job runs failing"
      threshold    = var.failed_runs_threshold
      content      = "More than ${var.failed_runs_threshold} job runs failed within ${var.alert_window_minutes} minutes. In Logs Explorer, filter `jsonPayload.message=~\"^job run failed\"`: each summary names the job, run id, error and failure kind. Transient failures are retried by Pub/Sub and end in the dead-letter topic when they keep failing."
    }
    alert-logs = {
      display_name = "fanpulse: ALERT logged"
      threshold    = 0
      content      = "A function logged at ALERT: a permanent failure (bad credentials, revoked token, missing show), a run given up after too many deferrals, or a misconfigured function. Filter `severity=ALERT` in Logs Explorer; these are not retried."
    }
    warehouse-rejected-rows = {
      display_name = "fanpulse: data quality"
      threshold    = var.data_quality_threshold
      content      = "BigQuery rejected rows more than ${var.data_quality_threshold} times within ${var.alert_window_minutes} minutes (see the data_quality table and the latest_data_quality view for per-table counts and samples)."
    }
    runs-with-bad-records = {
      display_name = "fanpulse: bad records"
      threshold    = var.data_quality_threshold
      content      = "More than ${var.data_quality_threshold} job runs within ${var.alert_window_minutes} minutes counted malformed records or fields (stored as NULL or rejected). The run summary's `quality` map names the table and problem; the data_quality table keeps the counts and samples."
    }
  }
}

resource "google_logging_metric" "fn" {
  for_each = local.log_metrics

  project     = var.project_id
  name        = "${var.prefix}${each.key}"
  description = each.value.description
  filter      = "${local.functions_log_filter} AND ${each.value.filter}"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key         = "job"
      value_type  = "STRING"
      description = "Job name of the run (empty for lines outside a run)."
    }
  }

  # The function is the time series' resource (cloud_run_revision service_name).
  label_extractors = {
    job = "EXTRACT(jsonPayload.job)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "log_metric" {
  for_each = local.log_alerts

  project               = var.project_id
  display_name          = "${each.value.display_name} (${trimsuffix(var.prefix, "-")})"
  combiner              = "OR"
  notification_channels = var.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "${google_logging_metric.fn[each.key].name} > ${each.value.threshold}"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.fn[each.key].name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = "0s"

      aggregations {
        alignment_period     = local.alert_window
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.job"]
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = each.value.content
  }
}

resource "google_monitoring_alert_policy" "dead_letter" {
  project               = var.project_id
  display_name          = "fanpulse: dead-lettered job messages (${trimsuffix(var.prefix, "-")})"
  combiner              = "OR"
  notification_channels = var.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "${google_pubsub_subscription.dead_letter.name} has messages"

    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=\"${google_pubsub_subscription.dead_letter.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "604800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Pub/Sub gave up delivering job messages after ${var.max_delivery_attempts} attempts and moved them to ${google_pubsub_topic.dead_letter.name}. Inspect them with `gcloud pubsub subscriptions pull ${google_pubsub_subscription.dead_letter.name} --limit=10` (attribute CloudPubSubDeadLetterSourceSubscription names the source), fix the cause, re-publish with `fanpulse publish`, then acknowledge them."
  }
}
