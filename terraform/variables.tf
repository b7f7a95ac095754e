# ---------------------------------------------------------------------------------------
# Project and naming
# ---------------------------------------------------------------------------------------

variable "project_id" {
  type        = string
  description = "Google Cloud project that receives everything."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project id (6-30 lowercase letters, digits or hyphens)."
  }
}

variable "region" {
  type        = string
  description = "Region of the functions, Cloud Scheduler jobs and Artifact Registry images."
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a Google Cloud region such as us-central1."
  }
}

variable "prefix" {
  type        = string
  description = "The environment: prefix of every resource name (topics, subscriptions, secrets, buckets, service accounts, functions, scheduler jobs, log metrics; the dataset and custom role use it with underscores), and the functions' FANPULSE_TOPIC_PREFIX and FANPULSE_SECRET_PREFIX. One per environment sharing a project, e.g. \"prod-\", \"staging-\"."
  default     = "fanpulse-"

  validation {
    # Service account ids are at most 30 characters: prefix + "instagram-jobs" must fit.
    # The one trailing hyphen keeps names of two environments apart ("dev" + "-x" would
    # otherwise meet "dev-" + "x") and maps one-to-one to the underscore form.
    condition     = can(regex("^[a-z][a-z0-9-]{0,12}-$", var.prefix))
    error_message = "prefix must start with a letter, use lowercase letters, digits and hyphens, end with one hyphen, and be at most 14 characters."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels added to every resource that takes labels."
  default     = {}
}

# ---------------------------------------------------------------------------------------
# Cloud Storage
# ---------------------------------------------------------------------------------------

variable "storage_location" {
  type        = string
  description = "Location of the buckets (multi-region such as US or EU, or a region)."
  default     = "US"
}

variable "raw_bucket_name" {
  type        = string
  description = "Name of the raw data bucket; null means <project_id>-<prefix>raw."
  default     = null

  validation {
    condition     = var.raw_bucket_name == null || can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.raw_bucket_name))
    error_message = "raw_bucket_name must be a valid bucket name."
  }
}

variable "raw_nearline_after_days" {
  type        = number
  description = "Raw objects move to NEARLINE storage after this many days (null: never)."
  default     = 30

  validation {
    condition     = var.raw_nearline_after_days == null || try(var.raw_nearline_after_days >= 1, false)
    error_message = "raw_nearline_after_days must be at least 1, or null."
  }
}

variable "raw_coldline_after_days" {
  type        = number
  description = "Raw objects move to COLDLINE storage after this many days (null: never)."
  default     = 90

  validation {
    condition = var.raw_coldline_after_days == null || try(
      var.raw_coldline_after_days > coalesce(var.raw_nearline_after_days, 0), false
    )
    error_message = "raw_coldline_after_days must be later than raw_nearline_after_days, or null."
  }
}

variable "raw_retention_days" {
  type        = number
  description = "Raw objects are deleted after this many days (null: kept forever). Replay needs the raw data, so keep it at least as long as you may want to rebuild tables."
  default     = null

  validation {
    condition     = var.raw_retention_days == null || try(var.raw_retention_days >= 1, false)
    error_message = "raw_retention_days must be at least 1, or null."
  }
}

variable "force_destroy_buckets" {
  type        = bool
  description = "Allow terraform destroy to delete buckets that still hold objects (test environments only)."
  default     = false
}

# ---------------------------------------------------------------------------------------
# BigQuery
# ---------------------------------------------------------------------------------------

variable "dataset_id" {
  type        = string
  description = "BigQuery dataset of the tables and views (the functions' FANPULSE_BQ_DATASET); null means the prefix with underscores (\"fanpulse-\" → fanpulse, \"dev-eu-\" → dev_eu)."
  default     = null

  validation {
    condition     = var.dataset_id == null || try(can(regex("^[A-Za-z0-9_]+$", var.dataset_id)) && length(var.dataset_id) <= 1024, false)
    error_message = "dataset_id may contain letters, digits and underscores only."
  }
}

variable "bigquery_location" {
  type        = string
  description = "Location of the dataset (the functions' FANPULSE_BQ_LOCATION)."
  default     = "US"
}

variable "partition_expiration_days" {
  type        = number
  description = "Table partitions (days of collected_at) are deleted after this many days (null: kept forever)."
  default     = null

  validation {
    condition     = var.partition_expiration_days == null || try(var.partition_expiration_days >= 1, false)
    error_message = "partition_expiration_days must be at least 1, or null."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the BigQuery tables from terraform destroy and replacement."
  default     = true
}

# ---------------------------------------------------------------------------------------
# Functions and delivery
# ---------------------------------------------------------------------------------------

variable "source_dir" {
  type        = string
  description = "Folder that `npm run package` staged (compiled dist/, package.json, package-lock.json); null means terraform/build/source."
  default     = null
}

variable "function_settings" {
  type = map(object({
    memory          = optional(string)
    cpu             = optional(string)
    timeout_seconds = optional(number)
    max_instances   = optional(number)
    min_instances   = optional(number)
    concurrency     = optional(number)
    env             = optional(map(string), {})
  }))
  description = "Per-function overrides keyed by entry point (spotifyJobs, instagramJobs, eventsJobs, platformJobs, chatbot, events). Unset fields take the defaults in sizing.tf (e.g. instagramJobs max 1 instance for the API budget)."
  default     = {}

  validation {
    condition = alltrue([
      for s in values(var.function_settings) :
      s.timeout_seconds == null || try(s.timeout_seconds >= 1 && s.timeout_seconds <= 540, false)
    ])
    error_message = "timeout_seconds must be between 1 and 540 (Pub/Sub push and event-driven functions stop there)."
  }

  validation {
    condition = alltrue([
      for s in values(var.function_settings) :
      s.memory == null || can(regex("^[0-9]+(Mi|Gi)$", s.memory))
    ])
    error_message = "memory must look like 256Mi or 1Gi."
  }

  validation {
    condition = alltrue([
      for s in values(var.function_settings) :
      s.max_instances == null || try(s.max_instances >= 1 && s.max_instances <= 100, false)
    ])
    error_message = "max_instances must be between 1 and 100."
  }
}

variable "chatbot_min_instances" {
  type        = number
  description = "Chatbot instances kept warm (0: scale to zero; a cold start then loads the prebuilt index, well under the 4.5 s answer budget). Each warm instance (1 vCPU, 1 GiB) is billed all the time at the idle rate, about 13 USD a month (estimate: tier-1 idle rates of ~0.0000025 USD per vCPU-second and per GiB-second; check the Cloud Run pricing page for your region)."
  default     = 0

  validation {
    condition     = var.chatbot_min_instances >= 0 && var.chatbot_min_instances <= 10
    error_message = "chatbot_min_instances must be between 0 and 10."
  }
}

variable "log_level" {
  type        = string
  description = "FANPULSE_LOG_LEVEL of every function."
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "NOTICE", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, NOTICE, WARNING or ERROR."
  }
}

variable "raw_gzip" {
  type        = bool
  description = "Gzip raw objects (FANPULSE_RAW_GZIP)."
  default     = false
}

variable "pubsub_delivery" {
  type        = string
  description = "How job messages reach the subscriber functions: \"push\" (Terraform-owned push subscriptions with retry and dead-letter policies; recommended) or \"eventarc\" (function event triggers with RETRY_POLICY_RETRY; Eventarc owns the subscription, so nothing is dead-lettered)."
  default     = "push"

  validation {
    condition     = contains(["push", "eventarc"], var.pubsub_delivery)
    error_message = "pubsub_delivery must be push or eventarc."
  }
}

variable "max_delivery_attempts" {
  type        = number
  description = "Deliveries of a job message before Pub/Sub moves it to the dead-letter topic (push delivery). A busy function's 429 counts as a delivery; with the backoff below, 50 attempts span hours, which a healthy function never needs."
  default     = 50

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts must be between 5 and 100 (Pub/Sub limits)."
  }
}

variable "retry_minimum_backoff_seconds" {
  type        = number
  description = "Shortest wait before Pub/Sub redelivers a refused job message (push delivery)."
  default     = 30

  validation {
    condition     = var.retry_minimum_backoff_seconds >= 0 && var.retry_minimum_backoff_seconds <= 600
    error_message = "retry_minimum_backoff_seconds must be between 0 and 600."
  }
}

variable "retry_maximum_backoff_seconds" {
  type        = number
  description = "Longest wait before Pub/Sub redelivers a refused job message (push delivery)."
  default     = 600

  validation {
    condition     = var.retry_maximum_backoff_seconds >= var.retry_minimum_backoff_seconds && var.retry_maximum_backoff_seconds <= 600
    error_message = "retry_maximum_backoff_seconds must be between retry_minimum_backoff_seconds and 600."
  }
}

variable "dead_letter_retention_days" {
  type        = number
  description = "How long the dead-letter subscription keeps messages nobody pulled."
  default     = 7

  validation {
    condition     = var.dead_letter_retention_days >= 1 && var.dead_letter_retention_days <= 31
    error_message = "dead_letter_retention_days must be between 1 and 31."
  }
}

variable "schedules_paused" {
  type        = bool
  description = "Create the Cloud Scheduler jobs paused (e.g. until the secrets are in)."
  default     = false
}

variable "schedule_overrides" {
  # any: each schedule's params have their own shape (a map(object) would force one type).
  type        = any
  description = "Per-environment changes to the catalogue's schedules, keyed by schedule id (terraform output scheduler_jobs, or generated/schedules.json): cron, time_zone, params (merged over the catalogue's params), paused, enabled (false: no scheduler job). Unset schedules run as the code defines them."
  default     = {}

  validation {
    condition = can(keys(var.schedule_overrides)) && alltrue([
      for o in values(var.schedule_overrides) :
      length(setsubtract(keys(o), ["cron", "time_zone", "params", "paused", "enabled"])) == 0
    ])
    error_message = "schedule_overrides must map schedule ids to objects with only cron, time_zone, params, paused and enabled."
  }

  validation {
    condition = alltrue([
      for o in values(var.schedule_overrides) :
      (!can(o.cron) || can(regex("^\\S+( \\S+){4}$", o.cron))) && (!can(o.params) || can(keys(o.params)))
    ])
    error_message = "schedule_overrides: cron must have five fields; params must be an object."
  }
}

# ---------------------------------------------------------------------------------------
# Monitoring
# ---------------------------------------------------------------------------------------

variable "notification_channels" {
  type        = list(string)
  description = "Monitoring notification channel ids (projects/P/notificationChannels/N) the alerts go to. Empty: alerts open incidents without notifying anyone."
  default     = []

  validation {
    condition     = alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[0-9]+$", c))])
    error_message = "notification_channels must be full ids: projects/PROJECT/notificationChannels/ID."
  }
}

variable "failed_runs_threshold" {
  type        = number
  description = "Alert when more than this many job runs fail (ERROR or ALERT summary) within alert_window_minutes."
  default     = 0

  validation {
    condition     = var.failed_runs_threshold >= 0
    error_message = "failed_runs_threshold must not be negative."
  }
}

variable "data_quality_threshold" {
  type        = number
  description = "Alert when more than this many \"warehouse rejected rows\" errors are logged within alert_window_minutes."
  default     = 0

  validation {
    condition     = var.data_quality_threshold >= 0
    error_message = "data_quality_threshold must not be negative."
  }
}

variable "log_metric_wait_seconds" {
  type        = number
  description = "How long alert policies wait after their log-based metrics are created (Monitoring may answer 404 for a new metric for a while)."
  default     = 120

  validation {
    condition     = var.log_metric_wait_seconds >= 0 && var.log_metric_wait_seconds <= 900
    error_message = "log_metric_wait_seconds must be between 0 and 900."
  }
}

variable "alert_window_minutes" {
  type        = number
  description = "Window the failed-run and data-quality alerts count over."
  default     = 60

  validation {
    condition     = var.alert_window_minutes >= 1 && var.alert_window_minutes <= 1440
    error_message = "alert_window_minutes must be between 1 and 1440."
  }
}
