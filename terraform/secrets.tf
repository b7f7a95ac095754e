# The secrets the code reads (functions/deploy/manifest.ts), created empty: values never
# pass through Terraform or its state. Each is named <prefix><id> (names.tf) and the
# functions read it so (FANPULSE_SECRET_PREFIX). Add values afterwards with
#   printf '%s' "$VALUE" | gcloud secrets versions add PREFIXED_SECRET_ID --data-file=-
# (terraform/README.md lists them.) Functions read the latest version, cached for
# FANPULSE_SECRET_CACHE_SECONDS.
resource "google_secret_manager_secret" "secret" {
  for_each = toset(local.deploy.secrets)

  project   = var.project_id
  secret_id = local.secret_ids[each.value]
  labels    = local.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}
