import { Webhook } from 'standardwebhooks';
import { isPublicAddress, newWebhookSecret, publicLookup, publicUrlProblem, webhookHeaders } from '../src';

describe('Standard Webhooks signing', () => {
  it('signs as the reference library does, and verifies with it (every secret of a rotation)', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    expect(current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const message = { id: 'a7f1c1de-9a54-4a43-a1c1-8f0f7ac1a0de', body: '{"type":"booking.created"}' };
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([current, previous], { ...message, timestamp });
    const [first, second] = headers['webhook-signature']!.split(' ');
    expect(first).toBe(new Webhook(current).sign(message.id, new Date(timestamp * 1000), message.body));
    expect(second).toBe(new Webhook(previous).sign(message.id, new Date(timestamp * 1000), message.body));
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(message.body, headers)).toEqual({ type: 'booking.created' });
    }
    expect(() => new Webhook(newWebhookSecret()).verify(message.body, headers)).toThrow();
  });
});

describe('public addresses (SSRF guard)', () => {
  it.each([
    ['93.184.216.34', true],
    ['2606:2800:220:1:248:1893:25c8:1946', true],
    ['8.8.8.8', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd12:3456::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::a00:1', false],
    ['2002:a00:1::', false],
    ['not-an-address', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('refuses URLs that are not http(s), carry credentials or name local hosts', () => {
    const strict = { allowPrivate: false };
    expect(publicUrlProblem('https://hooks.example.com/x', strict)).toBeUndefined();
    expect(publicUrlProblem('gopher://hooks.example.com/', strict)).toMatch(/http or https/);
    expect(publicUrlProblem('https://a:b@hooks.example.com/', strict)).toMatch(/credentials/);
    expect(publicUrlProblem('http://[::1]:8080/', strict)).toMatch(/non-public address/);
    expect(publicUrlProblem('http://0x7f.1/', strict)).toMatch(/non-public address/);
    expect(publicUrlProblem('http://metadata.google.internal/', strict)).toMatch(/non-public host/);
    expect(publicUrlProblem('http://auth:8080/', strict)).toMatch(/non-public host/);
    expect(publicUrlProblem('http://127.0.0.1:9/', { allowPrivate: true })).toBeUndefined();
    expect(publicUrlProblem('https://u:p@127.0.0.1/', { allowPrivate: true })).toMatch(/credentials/);
  });

  it('checks the addresses a name resolves to: a name of a loopback address is refused', async () => {
    const error = await new Promise<Error | null>((resolve) =>
      publicLookup('localhost', {}, (err) => resolve(err)),
    );
    expect(error?.message).toMatch(/localhost resolves to a non-public address/);
  });
});
