# Raw API answers (raw/...) and the functions' run state (state/...), both private. The
# lifecycle rules touch raw/ only: the state store must never lose or archive its objects.
resource "google_storage_bucket" "raw" {
  name          = local.raw_bucket_name
  project       = var.project_id
  location      = var.storage_location
  storage_class = "STANDARD"
  labels        = local.labels
  force_destroy = var.force_destroy_buckets

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  dynamic "lifecycle_rule" {
    for_each = var.raw_nearline_after_days == null ? [] : [var.raw_nearline_after_days]
    content {
      condition {
        age                   = lifecycle_rule.value
        matches_prefix        = ["raw/"]
        matches_storage_class = ["STANDARD"]
      }
      action {
        type          = "SetStorageClass"
        storage_class = "NEARLINE"
      }
    }
  }

  dynamic "lifecycle_rule" {
    for_each = var.raw_coldline_after_days == null ? [] : [var.raw_coldline_after_days]
    content {
      condition {
        age                   = lifecycle_rule.value
        matches_prefix        = ["raw/"]
        matches_storage_class = ["STANDARD", "NEARLINE"]
      }
      action {
        type          = "SetStorageClass"
        storage_class = "COLDLINE"
      }
    }
  }

  dynamic "lifecycle_rule" {
    for_each = var.raw_retention_days == null ? [] : [var.raw_retention_days]
    content {
      condition {
        age            = lifecycle_rule.value
        matches_prefix = ["raw/"]
      }
      action {
        type = "Delete"
      }
    }
  }

  depends_on = [google_project_service.apis]
}

# Function source archives. Each upload has its content hash in its name, so a changed
# archive makes the functions rebuild, and Terraform deletes the archive it replaces.
resource "google_storage_bucket" "source" {
  name          = local.source_bucket_name
  project       = var.project_id
  location      = var.storage_location
  storage_class = "STANDARD"
  labels        = local.labels
  force_destroy = true

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  depends_on = [google_project_service.apis]
}

data "archive_file" "source" {
  type        = "zip"
  source_dir  = local.source_dir
  output_path = "${path.module}/build/fanpulse-source.zip"

  lifecycle {
    precondition {
      condition     = fileexists("${local.source_dir}/dist/functions/index.js") && fileexists("${local.source_dir}/package.json")
      error_message = "The function source is not staged: run `npm ci && npm run package` at the repository root first."
    }
  }
}

resource "google_storage_bucket_object" "source" {
  name   = "fanpulse-source-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.source.output_path
}
