import { describe, expect, it } from 'vitest';
import { pageSelection, toggleAll, toggleOne } from './selection.ts';

describe('product selection', () => {
  it('selects every row shown when the header checkbox is ticked', () => {
    expect([...toggleAll(new Set(), ['A', 'B'])]).toEqual(['A', 'B']);
  });

  it('selects the rest when some rows were already selected', () => {
    expect([...toggleAll(new Set(['A']), ['A', 'B'])].sort()).toEqual(['A', 'B']);
  });

  it('clears the rows shown when all were selected, keeping selections from other pages', () => {
    expect([...toggleAll(new Set(['A', 'B', 'Z']), ['A', 'B'])]).toEqual(['Z']);
  });

  it('reports none, some or all for the header checkbox', () => {
    expect(pageSelection(new Set(), ['A'])).toBe('none');
    expect(pageSelection(new Set(['A']), ['A', 'B'])).toBe('some');
    expect(pageSelection(new Set(['A', 'B']), ['A', 'B'])).toBe('all');
    expect(pageSelection(new Set(['A']), [])).toBe('none');
  });

  it('toggles one row on and off', () => {
    const once = toggleOne(new Set(), 'A');
    expect(once.has('A')).toBe(true);
    expect(toggleOne(once, 'A').has('A')).toBe(false);
  });
});
