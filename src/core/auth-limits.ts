/**
 * Limits on failed sign-ins and failed API-key authentications (docs/architecture.md, "Sign-in and
 * API-key limits"). Every counter is a fixed window that opens at its first failure and closes
 * WINDOW_SECONDS later, whatever happens in between: a lock never outlives its window.
 */
export const WINDOW_SECONDS = 15 * 60;

export const limits = {
  /** Failed sign-ins for one email from one client address: the guessing limit one client meets. */
  signInPerAccountAndAddress: 10,
  /** Failed sign-ins for one email from every address together: the cap on a distributed guess. */
  signInPerAccount: 30,
  /** Failed sign-ins from one address, whatever the email: credential stuffing. */
  signInPerAddress: 50,
  /** Wrong API keys from one address. */
  apiKeyPerAddress: 20,
  /** Wrong API keys naming one tenant, from every address together. */
  apiKeyPerTenant: 100,
} as const;

/** The seconds left in a window, as a Retry-After value: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(secondsLeft: number): number {
  return Math.max(1, Math.ceil(secondsLeft));
}

/**
 * The key a client address is counted under. IPv4 and IPv4-mapped IPv6 (`::ffff:1.2.3.4`) count
 * as the IPv4 address; other IPv6 addresses count by their /64 prefix, since one host or customer
 * line usually holds a whole /64 and could otherwise step to a fresh address for every try.
 * Anything unparsable counts as itself (lower-cased, at most 64 characters).
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const address = ip.trim().toLowerCase();
  if (isIpv4(address)) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address.slice(0, 64);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** The eight 16-bit groups of an IPv6 address (with `::`, an IPv4 tail and a %zone), or null. */
function ipv6Groups(text: string): number[] | null {
  const address = text.replace(/%.*$/, '');
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        if (!isIpv4(piece)) return null;
        const [a, b, c, d] = piece.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}
