// "Create once on first use" for anything made asynchronously (clients, adapters, modules).
// A failed attempt is forgotten, so the next call tries again: a transient failure at
// start-up (a secret not yet readable, a network blip) must not stick for the instance's life.

/** A function that runs `make` on its first call and returns the same promise afterwards. */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
