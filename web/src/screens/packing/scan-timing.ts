/**
 * Scanned or typed? A keyboard-wedge barcode scanner "types" a whole code in a burst, a few
 * milliseconds per character, and ends it with Enter; a person needs well over 50 ms per key. The
 * packing station records when each character key went down (KeyboardEvent.timeStamp) and asks
 * this function when Enter comes. The answer is kept with the capture (captureMethod).
 */

export type EntryTiming = {
  /** Times (ms) at which each character of the entry was keyed, in order. */
  keyTimes: ReadonlyArray<number>;
  /** Time (ms) of the Enter that submitted it. */
  enterTime: number;
  /** Characters in the submitted value; a paste or an edit makes it differ from keyTimes.length. */
  length: number;
  /** True when the entry was edited (Backspace, Delete, paste, cut): a person was involved. */
  edited: boolean;
};

export type ScanTimingRules = {
  /** Fewer characters than this cannot be told apart from a quick person: typed. */
  minChars: number;
  /** The mean gap between keys (Enter included) must be at most this (ms). */
  maxMeanGap: number;
  /** No single gap may exceed this (ms): one hiccup of a busy browser is fine, a pause is not. */
  maxGap: number;
};

export const DEFAULT_SCAN_TIMING: ScanTimingRules = { minChars: 3, maxMeanGap: 50, maxGap: 150 };

export function wasScanned(entry: EntryTiming, rules: ScanTimingRules = DEFAULT_SCAN_TIMING): boolean {
  const { keyTimes, enterTime } = entry;
  if (entry.edited || keyTimes.length !== entry.length || keyTimes.length < rules.minChars) return false;
  const times = [...keyTimes, enterTime];
  let total = 0;
  for (let i = 1; i < times.length; i += 1) {
    const gap = times[i] - times[i - 1];
    if (gap < 0 || gap > rules.maxGap) return false;
    total += gap;
  }
  return total / (times.length - 1) <= rules.maxMeanGap;
}

/**
 * Keeps the timing of the entry being keyed in the scan box. The component calls key() for each
 * character key, edit() for anything else that changes the text, and take() on Enter.
 */
export class EntryRecorder {
  private keyTimes: number[] = [];
  private edited = false;

  key(time: number): void {
    this.keyTimes.push(time);
  }

  edit(): void {
    this.edited = true;
  }

  reset(): void {
    this.keyTimes = [];
    this.edited = false;
  }

  /** Judges the entry that Enter submitted, then starts afresh. */
  take(value: string, enterTime: number, rules?: ScanTimingRules): boolean {
    const scanned = wasScanned({ keyTimes: this.keyTimes, enterTime, length: value.length, edited: this.edited }, rules);
    this.reset();
    return scanned;
  }
}
