/** Deterministic byte sources for tests (mulberry32), so random-generation tests repeat exactly. */
export function seededBytes(seed: number): (n: number) => Uint8Array {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) out[i] = next() & 0xff;
    return out;
  };
}

/** Hands out the given bytes in order, then fails. */
export function scriptedBytes(bytes: number[]): (n: number) => Uint8Array {
  let at = 0;
  return (n) => {
    if (at >= bytes.length) throw new Error('scripted bytes used up');
    const out = Uint8Array.from(bytes.slice(at, at + n));
    at += n;
    return out;
  };
}
