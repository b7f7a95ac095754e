// PLACEHOLDER: replaced by the GCP adapters work in progress.
export class GcsStateStore {
  constructor(_options: unknown) {
    throw new Error('GcsStateStore is not built yet');
  }
}
