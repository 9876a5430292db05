import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com/), the sending side: secrets are
 * `whsec_` + base64 of random bytes (the HMAC key is the decoded part); a message is signed
 * as `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), and several signatures
 * (one per valid secret, e.g. during a rotation) are sent space-separated.
 */

const prefix = 'whsec_';

/** A new signing secret: `whsec_` and 32 random bytes in base64 (the spec asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `${prefix}${randomBytes(32).toString('base64')}`;
}

/** One `v1,…` signature of a message with one secret. */
function signature(secret: string, id: string, timestamp: number, body: string): string {
  if (!secret.startsWith(prefix)) throw new Error('not a whsec_ secret');
  const key = Buffer.from(secret.slice(prefix.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The headers of one delivery attempt: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
export function webhookHeaders(
  secrets: readonly string[],
  message: { id: string; body: string; timestamp: number },
): Record<string, string> {
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestamp),
    'webhook-signature': secrets
      .map((secret) => signature(secret, message.id, message.timestamp, message.body))
      .join(' '),
  };
}
