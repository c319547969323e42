import { describe, expect, it } from 'vitest';
import { addressKey, retryAfterSeconds } from './auth-limits.ts';

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4::/64'],
    ['', 'unknown'],
    [undefined, 'unknown'],
    ['not an address', 'not an address'],
    ['1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8:9'],
    ['1::2::3', '1::2::3'],
    ['256.1.1.1', '256.1.1.1'],
    ['x'.repeat(100), 'x'.repeat(64)],
  ])('counts %j as %j', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [899.2, 900],
    [0.01, 1],
    [0, 1],
    [-3, 1],
  ])('answers %d seconds left as Retry-After %d', (left, header) => {
    expect(retryAfterSeconds(left)).toBe(header);
  });
});
