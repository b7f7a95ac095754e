# One topic per job source (<prefix><source>-jobs), a dead-letter topic, and (push
# delivery) one push subscription per subscriber function with a retry policy and a
# dead-letter policy, as `npm run dev` sets up against the emulator.
#
# Why push subscriptions and not the function's own event trigger: Eventarc creates and
# owns the subscription behind an event trigger and its API does not let a dead-letter
# policy be set on it (hashicorp/terraform-provider-google#17697), so a message that keeps
# failing would be retried until it expires. pubsub_delivery = "eventarc" is available
# for projects that prefer event triggers (RETRY_POLICY_RETRY, no dead-lettering).

resource "google_pubsub_topic" "jobs" {
  for_each = local.topic_names

  project = var.project_id
  name    = each.value
  labels  = local.labels

  # Job messages wait at most a day; a planner's fan-out must survive a short outage.
  message_retention_duration = "86400s"

  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic" "dead_letter" {
  project = var.project_id
  name    = local.dead_letter_topic
  labels  = local.labels

  depends_on = [google_project_service.apis]
}

# Keeps dead-lettered messages until someone looks at them (and feeds the alert in
# monitoring.tf). Never expires, however long nobody pulls.
resource "google_pubsub_subscription" "dead_letter" {
  project = var.project_id
  name    = local.dead_letter_subscription
  topic   = google_pubsub_topic.dead_letter.id
  labels  = local.labels

  message_retention_duration = "${var.dead_letter_retention_days * 86400}s"
  retain_acked_messages      = true
  ack_deadline_seconds       = 60

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "push" {
  for_each = var.pubsub_delivery == "push" ? local.pubsub_functions : {}

  project = var.project_id
  name    = local.push_subscription_names[each.key]
  topic   = google_pubsub_topic.jobs[each.value.consumes].id
  labels  = local.labels

  # For push, how long Pub/Sub waits for the function's answer: its whole timeout.
  ack_deadline_seconds       = max(10, min(600, local.function_settings[each.key].timeout_seconds))
  message_retention_duration = "86400s"

  push_config {
    # The path lets functions-framework fill the CloudEvent's source
    # (//pubsub.googleapis.com/projects/P/topics/T) exactly as an event trigger would.
    push_endpoint = "${google_cloudfunctions2_function.fn[each.key].service_config[0].uri}/projects/${var.project_id}/topics/${local.topic_names[each.value.consumes]}"

    oidc_token {
      service_account_email = google_service_account.pubsub_push.email
      audience              = google_cloudfunctions2_function.fn[each.key].service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = "${var.retry_minimum_backoff_seconds}s"
    maximum_backoff = "${var.retry_maximum_backoff_seconds}s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_cloud_run_v2_service_iam_member.push_invoker,
    google_pubsub_topic_iam_member.dead_letter_publisher,
  ]
}

# Dead-lettering: the Pub/Sub service agent publishes to the dead-letter topic and
# acknowledges on the source subscription. local.pubsub_service_agent comes out of
# time_sleep.service_agents (main.tf): these grants wait until the agent exists.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = google_pubsub_subscription.push

  project      = var.project_id
  subscription = each.value.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
