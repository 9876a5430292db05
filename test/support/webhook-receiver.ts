/**
 * A webhook receiver for the tests, on 127.0.0.1: records every request, verifies its
 * signature at arrival with the Standard Webhooks reference library (`standardwebhooks`, the
 * spec's own implementation: it checks our signing independently of our code, timestamp
 * tolerance included), and answers as the test says — 204, another status, or not at all
 * (`hold`: the request waits until released or its connection is cut).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface WebhookPayloadJson {
  type: string;
  id: string;
  occurred_at: string;
  data: Record<string, unknown> & { id: string; status: string };
}

export interface ReceivedWebhook {
  webhookId: string;
  timestamp: string;
  signature: string;
  body: string;
  payload: WebhookPayloadJson;
  /** The index in `secrets` of the secret whose signature verified, or null when none did. */
  verifiedWith: number | null;
  /** What the receiver answered (null: held, no answer). */
  answered: number | null;
}

type Answer = number | 'hold';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The secrets to verify with (set after subscribing; a rotation adds one). */
  secrets: string[];
  /** How to answer each next request (default 204). */
  answerWith(answer: (request: ReceivedWebhook) => Answer): void;
  /** Requests being held. */
  held(): number;
  /** Answers the held requests with `status`. */
  release(status?: number): void;
  /** The distinct events received, by webhook-id, in order of first arrival. */
  distinct(): ReceivedWebhook[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const holding = new Set<{ res: ServerResponse; request: ReceivedWebhook }>();
  let answer: (request: ReceivedWebhook) => Answer = () => 204;
  const receiver = {
    secrets: [] as string[],
  };

  const verify = (body: string, headers: Record<string, string>): number | null => {
    const index = receiver.secrets.findIndex((secret) => {
      try {
        new Webhook(secret).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    });
    return index === -1 ? null : index;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      const request: ReceivedWebhook = {
        webhookId: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        signature: headers['webhook-signature'],
        body,
        payload: JSON.parse(body) as WebhookPayloadJson,
        verifiedWith: verify(body, headers),
        answered: null,
      };
      received.push(request);
      const status = answer(request);
      if (status === 'hold') {
        holding.add({ res, request });
        res.once('close', () => holding.forEach((h) => h.res === res && holding.delete(h)));
        return;
      }
      request.answered = status;
      res.writeHead(status).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/myhotel`,
    received,
    answerWith(next: (request: ReceivedWebhook) => Answer) {
      answer = next;
    },
    held: () => holding.size,
    release(status = 204) {
      for (const { res, request } of holding) {
        request.answered = status;
        res.writeHead(status).end();
      }
      holding.clear();
    },
    distinct() {
      const seen = new Map<string, ReceivedWebhook>();
      for (const request of received) if (!seen.has(request.webhookId)) seen.set(request.webhookId, request);
      return [...seen.values()];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
