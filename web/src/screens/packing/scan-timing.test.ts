import { describe, expect, it } from 'vitest';
import { EntryRecorder, wasScanned } from './scan-timing.ts';

/** Key times starting at 1000 ms with the given gaps between keys. */
function keyed(gaps: number[]): number[] {
  const times = [1000];
  for (const gap of gaps) times.push(times[times.length - 1] + gap);
  return times;
}

const entry = (keyTimes: number[], enterGap: number, extra: { length?: number; edited?: boolean } = {}) => ({
  keyTimes,
  enterTime: keyTimes[keyTimes.length - 1] + enterGap,
  length: extra.length ?? keyTimes.length,
  edited: extra.edited ?? false,
});

describe('wasScanned', () => {
  it.each([
    ['a scanner at 5 ms per character', Array(11).fill(5), 5],
    ['a slow scanner at 40 ms per character', Array(9).fill(40), 40],
    ['a burst with one 120 ms hiccup', [8, 8, 120, 8, 8, 8, 8, 8, 8], 8],
  ])('says scanned for %s ending in Enter', (_name, gaps, enterGap) => {
    expect(wasScanned(entry(keyed(gaps), enterGap))).toBe(true);
  });

  it.each([
    ['a fast typist at 90 ms per key', Array(9).fill(90), 90],
    ['a quick burst followed by a pause before Enter', Array(9).fill(5), 800],
    ['a burst with a pause in the middle', [5, 5, 5, 400, 5, 5], 5],
    ['mean just above 50 ms', Array(9).fill(51), 51],
  ])('says typed for %s', (_name, gaps, enterGap) => {
    expect(wasScanned(entry(keyed(gaps), enterGap))).toBe(false);
  });

  it('says typed for fewer than three characters however fast', () => {
    expect(wasScanned(entry(keyed([2]), 2))).toBe(false);
  });

  it('says typed when the text was pasted (fewer key presses than characters)', () => {
    expect(wasScanned(entry(keyed([5, 5]), 5, { length: 12 }))).toBe(false);
  });

  it('says typed when the entry was edited with Backspace or Delete', () => {
    expect(wasScanned(entry(keyed([5, 5, 5, 5]), 5, { edited: true }))).toBe(false);
  });

  it('says typed when the clock runs backwards (events out of order)', () => {
    expect(wasScanned(entry([1000, 990, 1000, 1010], 5))).toBe(false);
  });
});

describe('EntryRecorder', () => {
  it('judges each entry on its own keys and starts afresh after Enter', () => {
    const recorder = new EntryRecorder();
    for (const t of [0, 6, 12, 18, 24]) recorder.key(t);
    expect(recorder.take('ABCDE', 30)).toBe(true);
    for (const t of [1000, 1200, 1400]) recorder.key(t);
    expect(recorder.take('XYZ', 1600)).toBe(false);
    for (const t of [2000, 2005, 2010]) recorder.key(t);
    expect(recorder.take('123', 2015)).toBe(true);
  });

  it('marks an entry typed once it was edited, until the next entry', () => {
    const recorder = new EntryRecorder();
    for (const t of [0, 5, 10, 15]) recorder.key(t);
    recorder.edit();
    expect(recorder.take('ABCD', 20)).toBe(false);
    for (const t of [100, 105, 110, 115]) recorder.key(t);
    expect(recorder.take('ABCD', 120)).toBe(true);
  });
});
