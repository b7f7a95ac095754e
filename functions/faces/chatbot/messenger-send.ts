// The Send API client on the platform HTTP policy (ky: timeouts, retries of 5xx and network
// errors, 429 Retry-After). The Graph API takes form-encoded parameters with JSON values,
// which is what the shared policy posts; the page token travels in the body, never in the
// URL, so it cannot appear in a logged URL.
import type { HttpPolicyConfig } from '../../platform/config.js';
import type { Clock } from '../../platform/clock.js';
import { createSourceHttp, type SourceHttp } from '../../platform/http.js';
import type { MessengerMessage } from './messenger-format.js';

export interface MessengerSender {
  send(recipientId: string, message: MessengerMessage): Promise<void>;
}

/** The Send API body of one reply message (what the CLI prints and the client posts). */
export function sendApiBody(recipientId: string, message: MessengerMessage) {
  return { recipient: { id: recipientId }, messaging_type: 'RESPONSE', message } as const;
}

export class SendApiClient implements MessengerSender {
  private readonly http: SourceHttp;

  constructor(
    baseUrl: string,
    policy: HttpPolicyConfig,
    clock: Clock,
    private readonly pageToken: () => Promise<string>,
  ) {
    this.http = createSourceHttp({
      source: 'messenger',
      baseUrl,
      // A reply is worth little after a few seconds: short timeout, at most two retries.
      policy: {
        ...policy,
        timeoutMs: Math.min(policy.timeoutMs, 5000),
        retries: Math.min(policy.retries, 2),
        retryAfterBudgetSeconds: Math.min(policy.retryAfterBudgetSeconds, 2),
      },
      clock,
    });
  }

  async send(recipientId: string, message: MessengerMessage): Promise<void> {
    const body = sendApiBody(recipientId, message);
    // Form parameters carry JSON values (see the header comment).
    await this.http.postForm('me/messages', {
      recipient: JSON.stringify(body.recipient),
      messaging_type: body.messaging_type,
      message: JSON.stringify(body.message),
      access_token: await this.pageToken(),
    });
  }
}
