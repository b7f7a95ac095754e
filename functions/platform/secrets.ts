// The Secrets port. Names are Secret Manager ids (e.g. spotify-client-secret); the local
// adapter reads the environment variable of the same name upper-cased with '-' as '_'
// (SPOTIFY_CLIENT_SECRET). Every value read is registered with the redactor.
import type { Redactor } from './logger.js';
import { PermanentError } from './errors.js';

export interface Secrets {
  readonly kind: 'env' | 'secret-manager';
  get(name: string): Promise<string>;
}

/** The secret has no value (unset variable; a Secret Manager secret with no version). */
export class SecretNotSetError extends PermanentError {}

/** An optional secret: its value, or null when it is not set (any other failure throws). */
export async function optionalSecret(secrets: Secrets, name: string): Promise<string | null> {
  try {
    return await secrets.get(name);
  } catch (error) {
    if (error instanceof SecretNotSetError) return null;
    throw error;
  }
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
      throw new SecretNotSetError(
        `secret ${name} is not set: export ${variable} (local secrets come from the environment)`,
      );
    }
    this.redactor.add(value);
    return value;
  }
}
