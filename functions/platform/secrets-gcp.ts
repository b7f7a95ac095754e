// Secret Manager adapter of the Secrets port. Values are cached per function instance for
// `cacheSeconds` (a rotated secret is picked up within that time), concurrent reads of
// the same secret share one call, and every value is registered with the log redactor
// before anyone can log it. Errors name the secret, never its value.
import type { Clock } from './clock.js';
import { PermanentError, TransientError, errorCode, errorMessage } from './errors.js';
import type { Redactor } from './logger.js';
import { SecretNotSetError, type Secrets } from './secrets.js';

/** The one call we make; the real client satisfies it and tests pass their own. */
export interface SecretVersionAccessor {
  accessSecretVersion(request: {
    name: string;
  }): Promise<[{ payload?: { data?: Uint8Array | string | null } | null }, ...unknown[]]>;
}

export interface SecretManagerSecretsOptions {
  projectId: string;
  /** `latest` or a version number. */
  version: string;
  cacheSeconds: number;
  /** Environment prefix of every secret id (Terraform creates `<prefix><id>`); default none. */
  prefix?: string;
  redactor: Redactor;
  clock: Clock;
  client?: SecretVersionAccessor;
}

// gRPC status codes that retrying cannot fix.
const PERMANENT_CODES = new Map([
  [3, 'INVALID_ARGUMENT'],
  [5, 'NOT_FOUND'],
  [7, 'PERMISSION_DENIED'],
  [9, 'FAILED_PRECONDITION (version disabled or destroyed?)'],
  [16, 'UNAUTHENTICATED'],
]);

export class SecretManagerSecrets implements Secrets {
  readonly kind = 'secret-manager' as const;
  private readonly cache = new Map<string, { value: Promise<string>; expires: number }>();
  private client: SecretVersionAccessor | undefined;

  constructor(private readonly options: SecretManagerSecretsOptions) {
    this.client = options.client;
  }

  private async accessor(): Promise<SecretVersionAccessor> {
    if (!this.client) {
      const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
      this.client = new SecretManagerServiceClient() as unknown as SecretVersionAccessor;
    }
    return this.client;
  }

  versionName(secretId: string): string {
    const id = `${this.options.prefix ?? ''}${secretId}`;
    return `projects/${this.options.projectId}/secrets/${id}/versions/${this.options.version}`;
  }

  get(secretId: string): Promise<string> {
    const now = this.options.clock.now().getTime();
    const cached = this.cache.get(secretId);
    if (cached && cached.expires > now) return cached.value;
    const value = this.fetch(secretId);
    this.cache.set(secretId, { value, expires: now + this.options.cacheSeconds * 1000 });
    value.catch(() => this.cache.delete(secretId));
    return value;
  }

  private async fetch(secretId: string): Promise<string> {
    const name = this.versionName(secretId);
    let data: Uint8Array | string | null | undefined;
    try {
      const [response] = await (await this.accessor()).accessSecretVersion({ name });
      data = response.payload?.data;
    } catch (error) {
      const code = errorCode(error);
      const permanent = code === undefined ? undefined : PERMANENT_CODES.get(code);
      const message = `secret ${secretId} (${name}) could not be read: ${
        permanent ?? errorMessage(error)
      }`;
      // NOT_FOUND: the secret or its version does not exist (Terraform creates them empty).
      if (code === 5) throw new SecretNotSetError(message);
      throw permanent ? new PermanentError(message) : new TransientError(message);
    }
    const text = typeof data === 'string' ? data : Buffer.from(data ?? []).toString('utf8');
    // `echo value | gcloud secrets versions add` stores a trailing newline nobody meant.
    const value = text.replace(/\r?\n$/, '');
    if (value === '') throw new PermanentError(`secret ${secretId} (${name}) is empty`);
    this.options.redactor.add(value);
    return value;
  }
}
