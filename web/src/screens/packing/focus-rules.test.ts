import { describe, expect, it } from 'vitest';
import { isTextEntry, redirectsToScanBox, shouldReclaimFocus } from './focus-rules.ts';

const el = (tagName: string, type?: string) => ({ tagName, type });

describe('packing station focus rules', () => {
  it.each([
    [el('INPUT', 'text'), true],
    [el('INPUT', 'search'), true],
    [el('INPUT'), true],
    [el('TEXTAREA'), true],
    [el('SELECT'), true],
    [el('INPUT', 'checkbox'), false],
    [el('BUTTON'), false],
    [el('A'), false],
    [null, false],
  ])('treats %j as a text field: %s', (target, expected) => {
    expect(isTextEntry(target)).toBe(expected);
  });

  it('takes focus back from a button that was clicked or tapped', () => {
    expect(shouldReclaimFocus(el('BUTTON'), false)).toBe(true);
  });

  it('takes focus back when it fell to the page body, even from the keyboard', () => {
    expect(shouldReclaimFocus(el('BODY'), true)).toBe(true);
    expect(shouldReclaimFocus(null, true)).toBe(true);
  });

  it('leaves focus on a button reached with Tab, so keyboard users can press Ship or Remove', () => {
    expect(shouldReclaimFocus(el('BUTTON'), true)).toBe(false);
  });

  it('leaves focus in the carrier or tracking field the packer clicked', () => {
    expect(shouldReclaimFocus(el('INPUT', 'text'), false)).toBe(false);
  });

  it('sends printable keys to the scan box but leaves Space, Enter and shortcuts alone', () => {
    const none = { ctrl: false, meta: false, alt: false };
    expect(redirectsToScanBox('A', none)).toBe(true);
    expect(redirectsToScanBox('7', none)).toBe(true);
    expect(redirectsToScanBox(' ', none)).toBe(false);
    expect(redirectsToScanBox('Enter', none)).toBe(false);
    expect(redirectsToScanBox('c', { ...none, ctrl: true })).toBe(false);
  });
});
