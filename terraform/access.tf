# Every role a function's service account gets, as one table derived from
# generated/functions.json (functions/deploy/manifest.ts): the resources in iam.tf create
# exactly these rows, one resource per kind of target. Locals only: the tests evaluate
# this table with `terraform console` and compare it with what the manifest allows.
#
#   every function          logging.logWriter on the project (its structured logs)
#   storage read-write|read storage.objectUser|objectViewer on the raw bucket
#   warehouse write         <env>_rowInserter (custom role: stream rows, nothing else) on the dataset
#   warehouse read          bigquery.dataViewer on the dataset
#   queries                 bigquery.jobUser on the project (query jobs exist only per project),
#                           plus bigquery.dataViewer on the dataset for a writer that queries
#   publishes T             pubsub.publisher on topic T
#   secrets S               secretmanager.secretAccessor on secret S
locals {
  storage_roles = { "read-write" = "roles/storage.objectUser", "read" = "roles/storage.objectViewer" }

  # Streaming inserts (tabledata.insertAll) need these and only these (BigQuery "Use the
  # legacy streaming API", required permissions); no table creation, deletion or reads.
  row_inserter_permissions = [
    "bigquery.datasets.get",
    "bigquery.tables.get",
    "bigquery.tables.updateData",
  ]
  warehouse_roles = { "write" = local.row_inserter_role, "read" = "roles/bigquery.dataViewer" }

  function_grant_list = concat(
    [for k, f in local.functions : { function = k, role = "roles/logging.logWriter", on = "project", target = var.project_id }],
    [for k, f in local.functions : { function = k, role = local.storage_roles[f.storage], on = "bucket", target = "raw" } if f.storage != "none"],
    [for k, f in local.functions : { function = k, role = local.warehouse_roles[f.warehouse], on = "dataset", target = local.dataset_id } if f.warehouse != "none"],
    [for k, f in local.functions : { function = k, role = "roles/bigquery.jobUser", on = "project", target = var.project_id } if f.queries],
    # A writer that also queries (spotifyJobs: the chatbot index snapshot) reads the dataset too.
    [for k, f in local.functions : { function = k, role = "roles/bigquery.dataViewer", on = "dataset", target = local.dataset_id } if f.queries && f.warehouse == "write"],
    flatten([for k, f in local.functions : [for t in f.publishes : { function = k, role = "roles/pubsub.publisher", on = "topic", target = t }]]),
    flatten([for k, f in local.functions : [for s in f.secrets : { function = k, role = "roles/secretmanager.secretAccessor", on = "secret", target = s }]]),
  )

  # "<function> <role> <kind>:<target>" => grant; the resources pick their kind.
  function_grants = { for g in local.function_grant_list : "${g.function} ${g.role} ${g.on}:${g.target}" => g }
}
