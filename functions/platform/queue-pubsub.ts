// PLACEHOLDER: replaced by the GCP adapters work in progress.
export class PubSubQueue {
  constructor(_options: unknown) {
    throw new Error('PubSubQueue is not built yet');
  }
}
