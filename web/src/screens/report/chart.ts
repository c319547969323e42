import type { DailyUnits } from '../../api/types.ts';

/**
 * Geometry of the "serialized units shipped per day" bar chart, drawn as inline SVG. Pure: the
 * component only places what this returns.
 */

export type Bar = { date: string; units: number; x: number; y: number; width: number; height: number };

export type ChartLayout = {
  bars: Bar[];
  /** The value at the top of the axis: the largest day rounded up to a readable number. */
  top: number;
  /** Values for horizontal grid lines, with their y position. */
  ticks: Array<{ value: number; y: number }>;
  /** Dates to print under the axis (first, last, and a few between), with their x centre. */
  labels: Array<{ date: string; x: number }>;
  total: number;
  peak: DailyUnits | null;
};

/** 1, 2, 5, 10, 20, 50 ...: the smallest such number at or above n (at least 1). */
export function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

export function layoutChart(
  days: ReadonlyArray<DailyUnits>,
  size: { width: number; height: number; maxLabels?: number; maxBarWidth?: number },
): ChartLayout {
  const { width, height } = size;
  const maxBarWidth = size.maxBarWidth ?? 48;
  const maxLabels = size.maxLabels ?? 6;
  const total = days.reduce((sum, d) => sum + d.units, 0);
  const peak = days.reduce<DailyUnits | null>((best, d) => (best === null || d.units > best.units ? d : best), null);
  const top = niceCeiling(peak?.units ?? 0);
  const slot = days.length > 0 ? width / days.length : width;
  const gap = slot > 6 ? Math.min(slot * 0.2, 8) : 0;
  const barWidth = Math.min(slot - gap, maxBarWidth);
  const bars = days.map((d, i) => {
    const h = (d.units / top) * height;
    return { date: d.date, units: d.units, x: i * slot + (slot - barWidth) / 2, y: height - h, width: barWidth, height: h };
  });
  // units are whole: a middle grid line only where it falls on a whole number
  const ticks = (top % 2 === 0 ? [0, top / 2, top] : [0, top]).map((value) => ({ value, y: height - (value / top) * height }));
  // evenly spaced days, always the first and the last
  const count = Math.min(days.length, Math.max(2, maxLabels));
  const indexes = new Set<number>();
  for (let k = 0; k < count; k += 1) indexes.add(count === 1 ? 0 : Math.round((k * (days.length - 1)) / (count - 1)));
  const labels = [...indexes].map((i) => ({ date: days[i].date, x: i * slot + slot / 2 }));
  return { bars, top, ticks, labels, total, peak };
}
