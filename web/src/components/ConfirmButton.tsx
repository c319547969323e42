import { useState } from 'react';

/**
 * A button for what cannot be undone from the screen (revoke a key, disable a person): the first
 * click asks, `confirmLabel` does it, *Keep* takes it back.
 */
export function ConfirmButton({ label, confirmLabel, ariaLabel, onConfirm }: { label: string; confirmLabel: string; ariaLabel: string; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" onClick={() => setAsking(true)} aria-label={ariaLabel}>
        {label}
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Keep
      </button>
    </>
  );
}
