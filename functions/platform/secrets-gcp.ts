// PLACEHOLDER: replaced by the GCP adapters work in progress.
export class SecretManagerSecrets {
  constructor(_options: unknown) {
    throw new Error('SecretManagerSecrets is not built yet');
  }
}
