// The Secrets port. Names are Secret Manager ids (e.g. spotify-client-secret); the local
// adapter reads the environment variable of the same name upper-cased with '-' as '_'
// (SPOTIFY_CLIENT_SECRET). Every value read is registered with the redactor.
import type { Redactor } from './logger.js';
import { PermanentError } from './errors.js';

export interface Secrets {
  readonly kind: 'env' | 'secret-manager';
  get(name: string): Promise<string>;
}

export function envNameForSecret(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

export class EnvSecrets implements Secrets {
  readonly kind = 'env' as const;
  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly redactor: Redactor,
  ) {}

  async get(name: string): Promise<string> {
    const variable = envNameForSecret(name);
    const value = this.env[variable];
    if (value === undefined || value === '') {
      throw new PermanentError(
        `secret ${name} is not set: export ${variable} (local secrets come from the environment)`,
      );
    }
    this.redactor.add(value);
    return value;
  }
}
