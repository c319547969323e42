import { describe, expect, it } from 'vitest';
import { layoutChart, niceCeiling } from './chart.ts';

const days = (...units: number[]) => units.map((u, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, units: u }));

describe('niceCeiling', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [10, 10],
    [11, 20],
    [180, 200],
    [501, 1000],
  ])('rounds %d up to %d', (n, expected) => {
    expect(niceCeiling(n)).toBe(expected);
  });
});

describe('layoutChart', () => {
  it('draws one bar per day, as tall as its share of the axis top', () => {
    const chart = layoutChart(days(5, 10, 0), { width: 300, height: 100 });
    expect(chart.top).toBe(10);
    expect(chart.bars.map((b) => b.height)).toEqual([50, 100, 0]);
    expect(chart.bars.map((b) => b.y)).toEqual([50, 0, 100]);
  });

  it('spreads the bars over the whole width, in date order', () => {
    const chart = layoutChart(days(1, 1, 1, 1), { width: 400, height: 50 });
    const xs = chart.bars.map((b) => b.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    const last = chart.bars[3];
    expect(last.x + last.width).toBeLessThanOrEqual(400);
    expect(chart.bars[0].x).toBeGreaterThanOrEqual(0);
  });

  it('keeps a lone day to a slim bar in the middle rather than a slab across the chart', () => {
    const [bar] = layoutChart(days(3), { width: 600, height: 100, maxBarWidth: 40 }).bars;
    expect(bar.width).toBe(40);
    expect(bar.x + bar.width / 2).toBe(300);
  });

  it('puts grid lines on whole numbers only', () => {
    expect(layoutChart(days(3), { width: 100, height: 100 }).ticks.map((t) => t.value)).toEqual([0, 5]);
    expect(layoutChart(days(9), { width: 100, height: 100 }).ticks.map((t) => t.value)).toEqual([0, 5, 10]);
  });

  it('sums the units and finds the busiest day', () => {
    const chart = layoutChart(days(2, 9, 4), { width: 90, height: 10 });
    expect(chart.total).toBe(15);
    expect(chart.peak).toEqual({ date: '2026-11-02', units: 9 });
  });

  it('labels the first and last day and at most maxLabels in all', () => {
    const chart = layoutChart(days(...Array(30).fill(1)), { width: 600, height: 100, maxLabels: 6 });
    expect(chart.labels[0].date).toBe('2026-11-01');
    expect(chart.labels[chart.labels.length - 1].date).toBe('2026-11-30');
    expect(chart.labels.length).toBeLessThanOrEqual(6);
  });

  it('draws a flat axis from 0 to 1 for a range with no units', () => {
    const chart = layoutChart(days(0, 0), { width: 100, height: 100 });
    expect(chart.top).toBe(1);
    expect(chart.bars.every((b) => b.height === 0)).toBe(true);
    expect(chart.peak).toEqual({ date: '2026-11-01', units: 0 });
  });

  it('has no bars and no labels for no days', () => {
    const chart = layoutChart([], { width: 100, height: 100 });
    expect(chart.bars).toEqual([]);
    expect(chart.labels).toEqual([]);
    expect(chart.peak).toBeNull();
  });
});
