# Log-based metrics on the functions' structured logs and alert policies on them:
#  - failed job runs: the run summary line (functions/core/run-summary.ts) has message
#    "job run failed" (ERROR, will be retried) or "job run failed permanently" (ALERT);
#  - anything logged at ALERT (permanent failures, runs given up, misconfiguration);
#  - data quality: "warehouse rejected rows" (functions/platform/rows.ts) and runs whose
#    summary counted bad records (quality_total > 0);
#  - dead-lettered job messages waiting in the dead-letter subscription.
locals {
  function_service_names = [for k, name in local.function_names : "\"${name}\""]
  functions_log_filter   = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=(${join(" OR ", local.function_service_names)})"
  alert_window           = "${var.alert_window_minutes * 60}s"
}

resource "google_logging_metric" "fn" {
  for_each = local.log_metrics

  project     = var.project_id
  name        = local.log_metric_names[each.key]
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

# Monitoring answers 404 "Cannot find metric(s)" for a log-based metric created moments
# ago (the error says it can take up to 10 minutes; hashicorp/terraform-provider-google
# #11102). The policies wait here after the metrics; a new or renamed metric waits again.
resource "time_sleep" "log_metrics" {
  create_duration = "${var.log_metric_wait_seconds}s"

  triggers = {
    metrics = join(",", sort([for m in google_logging_metric.fn : m.name]))
  }
}

resource "google_monitoring_alert_policy" "log_metric" {
  for_each = local.log_alerts

  project               = var.project_id
  display_name          = "${each.value.display_name}${local.alert_suffix}"
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

  depends_on = [time_sleep.log_metrics]
}

resource "google_monitoring_alert_policy" "dead_letter" {
  project               = var.project_id
  display_name          = "fanpulse: dead-lettered job messages${local.alert_suffix}"
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
