import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, computeSignature, isLocalHostName, signatureHeader, verifySignature } from './webhooks.ts';

const secret = 'whsec_test';
const body = '{"id":"e1","type":"order.shipped","occurredAt":"2026-01-01T00:00:00.000Z","data":{}}';
const t = 1_767_225_600;

describe('webhook signatures', () => {
  it('signs HMAC-SHA256 over `${t}.${body}` as hex (a known answer)', () => {
    // Same as: printf '%s' "1767225600.$body" | openssl dgst -sha256 -hmac whsec_test
    expect(computeSignature(secret, t, body)).toBe('e53a6c1af9927946f36ed6bc8f1320a6bfd0e9c6893fdd384bd5449ac3fab0ba');
    expect(computeSignature(secret, t + 1, body)).not.toBe(computeSignature(secret, t, body));
    expect(signatureHeader([secret], t, body)).toBe(`t=${t},v1=${computeSignature(secret, t, body)}`);
  });

  const header = signatureHeader([secret], t, body);
  it.each([
    ['the body and secret it was signed with', { header, body, secret, now: t }, { ok: true, timestamp: t }],
    ['a clock 4 minutes apart', { header, body, secret, now: t + 240 }, { ok: true, timestamp: t }],
    ['a tampered body', { header, body: body.replace('{}', '{"x":1}'), secret, now: t }, { ok: false, reason: 'no signature matches' }],
    ['another secret', { header, body, secret: 'whsec_other', now: t }, { ok: false, reason: 'no signature matches' }],
    ['a replay 6 minutes later', { header, body, secret, now: t + 360 }, { ok: false, reason: 'timestamp outside the tolerance window' }],
    ['a changed timestamp', { header: header.replace(`t=${t}`, `t=${t + 1}`), body, secret, now: t }, { ok: false, reason: 'no signature matches' }],
    ['no header', { header: undefined, body, secret, now: t }, { ok: false, reason: 'no signature header' }],
    ['a header without v1', { header: `t=${t}`, body, secret, now: t }, { ok: false, reason: 'malformed signature header' }],
    ['a short signature', { header: `t=${t},v1=abcd`, body, secret, now: t }, { ok: false, reason: 'no signature matches' }],
    ['one of two signatures (a rotation)', { header: signatureHeader(['whsec_new', secret], t, body), body, secret, now: t }, { ok: true, timestamp: t }],
  ])('verifies %s as %j', (_name, input, expected) => {
    expect(verifySignature({ secret: input.secret, header: input.header, body: input.body, nowSeconds: input.now })).toEqual(expected);
  });
});

describe('webhook URLs', () => {
  it.each([
    ['https://hooks.example.com/x', false, { url: 'https://hooks.example.com/x' }],
    ['https://HOOKS.example.com:8443/x?a=1', false, { url: 'https://hooks.example.com:8443/x?a=1' }],
    ['http://hooks.example.com/x', false, { code: 'WEBHOOK_URL_REFUSED' }],
    ['http://127.0.0.1:9999/x', true, { url: 'http://127.0.0.1:9999/x' }],
    ['ftp://hooks.example.com/x', true, { code: 'VALIDATION_FAILED' }],
    ['hooks.example.com/x', false, { code: 'VALIDATION_FAILED' }],
    ['https://u:p@hooks.example.com/x', false, { code: 'VALIDATION_FAILED' }],
    ['https://hooks.example.com/x#frag', false, { code: 'VALIDATION_FAILED' }],
  ])('checks %s (allowHttp %s) as %j', (raw, allowHttp, expected) => {
    const result = checkWebhookUrl(raw, { allowHttp });
    expect(result).toMatchObject(expected);
    if ('problem' in result) expect(result.problem).toMatch(/^url: /);
  });

  it.each([
    ['localhost', true],
    ['LOCALHOST.', true],
    ['api.localhost', true],
    ['nas.local', true],
    ['metadata.google.internal', true],
    ['router.home.arpa', true],
    ['hooks.example.com', false],
    ['localhost.example.com', false],
  ])('calls %s a local host name: %s', (host, local) => {
    expect(isLocalHostName(host)).toBe(local);
  });
});
