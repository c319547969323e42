/**
 * The packing station keeps its scan box focused so a keyboard-wedge scanner always types into
 * it. Focus may stay elsewhere only in another text field the packer chose (carrier, tracking,
 * station name, the header's serial search), or on a control reached with Tab (keyboard use).
 */

type FocusTarget = { tagName: string; type?: string; isContentEditable?: boolean } | null;

const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color', 'image']);

/** Whether the element takes typed text (so a packer working in it must not lose focus). */
export function isTextEntry(el: FocusTarget): boolean {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && !NOT_TEXT.has((el.type ?? 'text').toLowerCase());
}

/**
 * After the scan box lost focus: take it back unless the new focus is a text field, or the packer
 * moved there with the keyboard (Tab to a button is how keyboard-only use reaches Ship).
 */
export function shouldReclaimFocus(newFocus: FocusTarget, byKeyboard: boolean): boolean {
  if (isTextEntry(newFocus)) return false;
  if (newFocus && newFocus.tagName.toUpperCase() !== 'BODY' && byKeyboard) return false;
  return true;
}

/**
 * A key pressed while focus is on a button or nowhere: printable characters (a scanner starting a
 * code) are sent to the scan box. Space and Enter keep their meaning for the focused control.
 */
export function redirectsToScanBox(key: string, modifiers: { ctrl: boolean; meta: boolean; alt: boolean }): boolean {
  return key.length === 1 && key !== ' ' && !modifiers.ctrl && !modifiers.meta && !modifiers.alt;
}
