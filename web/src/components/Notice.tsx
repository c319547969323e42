import type { ReactNode } from 'react';

/** A polite, announced confirmation ("3 products changed"). */
export function Notice({ children, onDismiss }: { children: ReactNode; onDismiss?: () => void }) {
  if (!children) return null;
  return (
    <div className="message message-ok" role="status">
      <p>{children}</p>
      {onDismiss && (
        <button type="button" className="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
