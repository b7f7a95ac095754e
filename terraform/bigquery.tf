# The dataset, every table of schemas/ and its views. Table schemas and view SQL are the
# files `npm run schemas` generates; nothing about a table is written here by hand.
locals {
  tables = { for t in local.manifest.tables : t.name => t }
  views  = { for v in local.manifest.views : v.name => v }

  partition_expiration_ms = var.partition_expiration_days == null ? null : var.partition_expiration_days * 86400000

  # BigQuery checks a view's query when it is created, so a view must come after what it
  # reads. Views are placed in levels: level 0 reads tables only, level N reads tables and
  # lower levels. The precondition on the dataset fails when a view fits no level.
  table_names   = toset(keys(local.tables))
  views_level_0 = { for k, v in local.views : k => v if alltrue([for d in v.depends_on : contains(local.table_names, d)]) }
  views_level_1 = {
    for k, v in local.views : k => v
    if !contains(keys(local.views_level_0), k) && alltrue([
      for d in v.depends_on : contains(local.table_names, d) || contains(keys(local.views_level_0), d)
    ])
  }
  # Levels 0 and 1 together (their keys never overlap), to keep level 2's test short.
  views_level_01 = merge(local.views_level_0, local.views_level_1)
  views_level_2 = {
    for k, v in local.views : k => v
    if !contains(keys(local.views_level_01), k) && alltrue([
      for d in v.depends_on : contains(local.table_names, d) || contains(keys(local.views_level_01), d)
    ])
  }
  views_placed = length(local.views_level_0) + length(local.views_level_1) + length(local.views_level_2)
}

resource "google_bigquery_dataset" "this" {
  project     = var.project_id
  dataset_id  = local.dataset_id
  location    = var.bigquery_location
  description = "fanpulse: Spotify, Instagram and marketing event data (append-only snapshots; query the latest_* views)."
  labels      = local.labels

  lifecycle {
    precondition {
      condition     = local.views_placed == length(local.views)
      error_message = "A view in schemas/bigquery/manifest.json depends on something that is neither a table nor a view of levels 0-2; add a views_level_3 in bigquery.tf."
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_bigquery_table" "table" {
  for_each = local.tables

  project     = var.project_id
  dataset_id  = google_bigquery_dataset.this.dataset_id
  table_id    = each.key
  description = each.value.description
  labels      = local.labels
  schema      = file("${local.schemas_dir}/${each.value.schema_file}")
  clustering  = each.value.clustering

  time_partitioning {
    type          = "DAY"
    field         = each.value.partition_field
    expiration_ms = local.partition_expiration_ms
  }

  deletion_protection = var.deletion_protection
}

resource "google_bigquery_table" "view" {
  for_each = local.views_level_0

  project     = var.project_id
  dataset_id  = google_bigquery_dataset.this.dataset_id
  table_id    = each.key
  description = each.value.description
  labels      = local.labels

  view {
    query = templatefile("${local.schemas_dir}/${each.value.sql_file}", {
      project = var.project_id
      dataset = google_bigquery_dataset.this.dataset_id
    })
    use_legacy_sql = false
  }

  # Views hold no data: replacing one loses nothing.
  deletion_protection = false

  depends_on = [google_bigquery_table.table]
}

resource "google_bigquery_table" "view_level_1" {
  for_each = local.views_level_1

  project     = var.project_id
  dataset_id  = google_bigquery_dataset.this.dataset_id
  table_id    = each.key
  description = each.value.description
  labels      = local.labels

  view {
    query = templatefile("${local.schemas_dir}/${each.value.sql_file}", {
      project = var.project_id
      dataset = google_bigquery_dataset.this.dataset_id
    })
    use_legacy_sql = false
  }

  deletion_protection = false

  depends_on = [google_bigquery_table.table, google_bigquery_table.view]
}

resource "google_bigquery_table" "view_level_2" {
  for_each = local.views_level_2

  project     = var.project_id
  dataset_id  = google_bigquery_dataset.this.dataset_id
  table_id    = each.key
  description = each.value.description
  labels      = local.labels

  view {
    query = templatefile("${local.schemas_dir}/${each.value.sql_file}", {
      project = var.project_id
      dataset = google_bigquery_dataset.this.dataset_id
    })
    use_legacy_sql = false
  }

  deletion_protection = false

  depends_on = [google_bigquery_table.table, google_bigquery_table.view, google_bigquery_table.view_level_1]
}
