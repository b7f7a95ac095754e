# What the alerts count: log-based metrics on the functions' structured logs and the
# policies on them (monitoring.tf creates both). Locals only, so the tests can evaluate
# them offline with `terraform console`.
locals {
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
