import { nextStack, previousStack } from '../url-state.ts';

type Props = {
  /** Cursors that led to the current page (from the address). */
  pages: string[];
  nextCursor: string | null | undefined;
  onMove: (pages: string[]) => void;
  label: string;
};

/** Previous / Next over cursor pages; the stack of cursors lives in the address. */
export function Pager({ pages, nextCursor, onMove, label }: Props) {
  if (pages.length === 0 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={pages.length === 0} onClick={() => onMove(previousStack(pages))}>
        ← Previous
      </button>
      <span className="pager-page">Page {pages.length + 1}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && onMove(nextStack(pages, nextCursor))}>
        Next →
      </button>
    </nav>
  );
}
