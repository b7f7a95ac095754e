// PLACEHOLDER: replaced by the GCP adapters work in progress.
export class BigQueryWarehouse {
  constructor(_options: unknown) {
    throw new Error('BigQueryWarehouse is not built yet');
  }
}
