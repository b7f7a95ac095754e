terraform {
  # 1.9: input validations may refer to other variables.
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 7.x: event_trigger.event_type required, view.use_legacy_sql without a default
      # (set explicitly below), google_project_service keeps APIs on destroy.
      version = ">= 7.0.0, < 8.0.0"
    }
    # google_project_service_identity (the Pub/Sub service agent) exists only in beta.
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 7.0.0, < 8.0.0"
    }
    # time_sleep: waits for log metrics, service agents and IAM to settle on first apply.
    time = {
      source  = "hashicorp/time"
      version = ">= 0.9.0, < 1.0.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4.0, < 3.0.0"
    }
  }
}
