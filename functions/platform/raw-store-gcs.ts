// PLACEHOLDER: replaced by the GCP adapters work in progress.
export class GcsRawStore {
  constructor(_options: unknown) {
    throw new Error('GcsRawStore is not built yet');
  }
}
