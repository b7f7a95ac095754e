// Client-credentials tokens: one token per process, renewed a minute before it expires
// or when the API answers 401, never fetched per call. Token answers are never landed.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { PermanentError, TransientError } from '../../platform/errors.js';
import type { SourceHttp } from '../../platform/http.js';
import type { Secrets } from '../../platform/secrets.js';

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
});

const RENEW_BEFORE_EXPIRY_MS = 60_000;

export class SpotifyTokenProvider {
  private cached: { token: string; expiresAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly http: SourceHttp,
    private readonly secrets: Secrets,
    private readonly names: { clientId: string; clientSecret: string },
    private readonly clock: Clock,
    /** Told every token issued: tokens are credentials too and must never reach a log. */
    private readonly onToken: (token: string) => void = () => undefined,
  ) {}

  async token(forceRefresh = false): Promise<string> {
    const now = this.clock.now().getTime();
    if (!forceRefresh && this.cached && now < this.cached.expiresAt - RENEW_BEFORE_EXPIRY_MS) {
      return this.cached.token;
    }
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetchToken(): Promise<string> {
    const [id, secret] = await Promise.all([
      this.secrets.get(this.names.clientId),
      this.secrets.get(this.names.clientSecret),
    ]);
    const basic = Buffer.from(`${id}:${secret}`).toString('base64');
    let answer;
    try {
      answer = await this.http.postForm(
        'api/token',
        { grant_type: 'client_credentials' },
        { authorization: `Basic ${basic}` },
      );
    } catch (error) {
      if (error instanceof PermanentError || (error as { kind?: string }).kind === 'permanent') {
        throw new PermanentError(
          `Spotify refused the client credentials (check secrets ${this.names.clientId} and ${this.names.clientSecret})`,
        );
      }
      throw error;
    }
    const parsed = tokenAnswer.safeParse(answer.body);
    if (!parsed.success)
      throw new TransientError('Spotify token endpoint answered without a usable access_token');
    this.onToken(parsed.data.access_token);
    this.cached = {
      token: parsed.data.access_token,
      expiresAt: this.clock.now().getTime() + parsed.data.expires_in * 1000,
    };
    return parsed.data.access_token;
  }
}
