import { lookup } from 'node:dns/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../storage/embedded-postgres.ts';
import { isPublicAddress, postWebhook, startWebhookWorker } from './webhook-delivery.service.ts';

describe('which addresses a webhook may reach', () => {
  it.each([
    ['8.8.8.8', true],
    ['1.1.1.1', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['127.8.9.10', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['172.32.0.1', true],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::a00:1', false],
    ['fc00::1', false],
    ['fd12:3456::1', false],
    ['fe80::1', false],
    ['ff02::1', false],
    ['2001:db8::1', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('decides host names only when they are resolved', () => {
    expect(isPublicAddress('hooks.example.com')).toBe(false);
    expect(isPublicAddress('hooks.example.com', { hostNamesPass: true })).toBe(true);
  });
});

describe('one delivery attempt (postWebhook)', () => {
  let status = 200;
  let delayMs = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(status, status === 302 ? { location: 'https://example.com/' } : {}).end('answer'), delayMs));
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const post = (url: string, allowPrivate = true, timeoutMs = 2000) => postWebhook(url, '{}', { 'content-type': 'application/json' }, { timeoutMs, allowPrivate });

  it('succeeds on 2xx and reports other statuses, redirects included, as failures', async () => {
    status = 204;
    expect(await post(`${base}/x`)).toEqual({ statusCode: 204, error: null });
    status = 500;
    expect(await post(`${base}/x`)).toEqual({ statusCode: 500, error: 'HTTP 500: answer' });
    status = 302;
    expect(await post(`${base}/x`)).toMatchObject({ statusCode: 302, error: expect.stringContaining('HTTP 302') });
    status = 200;
  });

  it('gives up after the per-attempt timeout', async () => {
    delayMs = 1500;
    try {
      expect(await post(`${base}/slow`, true, 300)).toEqual({ statusCode: null, error: 'timed out after 300 ms' });
    } finally {
      delayMs = 0;
    }
  });

  it('refuses loopback, private and http:// targets without the dev setting, before connecting', async () => {
    expect(await post(`${base}/x`, false)).toMatchObject({ statusCode: null, error: expect.stringContaining('https://') });
    expect(await post('https://127.0.0.1:1/x', false)).toEqual({ statusCode: null, error: 'url: 127.0.0.1 is not a public address' });
    expect(await post('https://[::1]:1/x', false)).toEqual({ statusCode: null, error: 'url: ::1 is not a public address' });
    expect(await post('https://localhost:1/x', false)).toEqual({ statusCode: null, error: 'url: localhost is not a public address' });
  });

  it('checks the addresses a host name resolves to at delivery time (no name that points inside gets through)', async () => {
    // This machine's own name resolves (through /etc/hosts) to one of its addresses.
    const name = hostname();
    const resolved = await lookup(name, { all: true }).catch(() => []);
    if (resolved.length === 0 || resolved.every((a) => isPublicAddress(a.address))) {
      console.log(`skipped: ${name} does not resolve to a private address here`);
      return;
    }
    const result = await post(`https://${name}:1/x`, false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/resolves to .*, which is not a public address/);
  });
});

describe('the delivery worker', () => {
  it('never throws into the server: a database it cannot reach is logged and retried, and stop() still works', async () => {
    const errors: string[] = [];
    const log = { error: (_: object, msg: string) => errors.push(msg), warn() {}, info() {}, debug() {} };
    const worker = await startWebhookWorker({ connectionString: `postgres://nobody:x@127.0.0.1:${await freePort()}/none`, allowHttp: false, log });
    expect(errors.some((m) => m.includes('starting it again'))).toBe(true);
    await worker.stop();
  });
});
