import { createElement, type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';

/**
 * A tiny history router: the address bar is the state. Screens read the path and the query, and
 * move with navigate(); list filters and page cursors live in the query so views can be shared.
 */

export type Route =
  | { name: 'sign-in' }
  | { name: 'home' }
  | { name: 'products' }
  | { name: 'product-new' }
  | { name: 'product-edit'; sku: string }
  | { name: 'product-import' }
  | { name: 'order-import' }
  | { name: 'receipt-import' }
  | { name: 'settings' }
  | { name: 'orders' }
  | { name: 'order'; orderNumber: string }
  | { name: 'packing' }
  | { name: 'receiving' }
  | { name: 'returns' }
  | { name: 'serial'; serial: string }
  | { name: 'report' }
  | { name: 'audit' }
  | { name: 'recalls' }
  | { name: 'recall-new' }
  | { name: 'recall'; id: number }
  | { name: 'not-found'; path: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Which screen a path shows. Path parameters are one URL-encoded segment each. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const parts = path.split('/').filter(Boolean);
  const [first, second, third] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1) {
    switch (first) {
      case 'sign-in':
        return { name: 'sign-in' };
      case 'products':
        return { name: 'products' };
      case 'settings':
        return { name: 'settings' };
      case 'orders':
        return { name: 'orders' };
      case 'packing':
        return { name: 'packing' };
      case 'receiving':
        return { name: 'receiving' };
      case 'returns':
        return { name: 'returns' };
      case 'report':
        return { name: 'report' };
      case 'audit':
        return { name: 'audit' };
      case 'recalls':
        return { name: 'recalls' };
    }
  }
  if (parts.length === 2 || (parts.length === 3 && third === 'edit')) {
    const value = decode(second);
    if (value !== null) {
      if (first === 'products' && parts.length === 2 && value === 'new') return { name: 'product-new' };
      if (first === 'import' && parts.length === 2 && value === 'products') return { name: 'product-import' };
      if (first === 'import' && parts.length === 2 && value === 'orders') return { name: 'order-import' };
      if (first === 'import' && parts.length === 2 && value === 'receipts') return { name: 'receipt-import' };
      if (first === 'products' && parts.length === 3) return { name: 'product-edit', sku: value };
      if (first === 'orders' && parts.length === 2) return { name: 'order', orderNumber: value };
      if (first === 'serials' && parts.length === 2) return { name: 'serial', serial: value };
      if (first === 'recalls' && parts.length === 2 && value === 'new') return { name: 'recall-new' };
      if (first === 'recalls' && parts.length === 2 && /^[1-9][0-9]{0,14}$/.test(value)) return { name: 'recall', id: Number(value) };
    }
  }
  return { name: 'not-found', path: pathname };
}

export const paths = {
  products: '/products',
  productNew: '/products/new',
  // not under /products or /orders, where the next segment is a SKU or an order number
  productImport: '/import/products',
  orderImport: '/import/orders',
  receiptImport: '/import/receipts',
  productEdit: (sku: string) => `/products/${encodeURIComponent(sku)}/edit`,
  settings: '/settings',
  orders: '/orders',
  order: (orderNumber: string) => `/orders/${encodeURIComponent(orderNumber)}`,
  packing: (orderNumber?: string) => (orderNumber ? `/packing?order=${encodeURIComponent(orderNumber)}` : '/packing'),
  /** The receiving station; with a receipt id, that receipt (open: scanning into it). */
  receiving: (receiptId?: string) => (receiptId ? `/receiving?receipt=${encodeURIComponent(receiptId)}` : '/receiving'),
  /** The returns desk: a return open by its id, or an order to start a return of. */
  returns: (open: { order?: string; returnId?: number } = {}) =>
    open.returnId !== undefined
      ? `/returns?return=${open.returnId}`
      : open.order
        ? `/returns?order=${encodeURIComponent(open.order)}`
        : '/returns',
  serial: (serial: string) => `/serials/${encodeURIComponent(serial)}`,
  report: '/report',
  audit: '/audit',
  recalls: '/recalls',
  recallNew: '/recalls/new',
  recall: (id: number) => `/recalls/${id}`,
  signIn: (next?: string) => (next && next !== '/' ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'),
};

const CHANGE = 'unitrace:navigate';

function subscribe(callback: () => void): () => void {
  window.addEventListener('popstate', callback);
  window.addEventListener(CHANGE, callback);
  return () => {
    window.removeEventListener('popstate', callback);
    window.removeEventListener(CHANGE, callback);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
  if (!options.replace) window.scrollTo(0, 0);
}

export type Location = { pathname: string; search: string; query: URLSearchParams; href: string };

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot, () => '/');
  const q = href.indexOf('?');
  const pathname = q === -1 ? href : href.slice(0, q);
  const search = q === -1 ? '' : href.slice(q);
  return { pathname, search, query: new URLSearchParams(search), href };
}

type LinkProps = {
  to: string;
  children: ReactNode;
  className?: string;
  'aria-current'?: 'page' | undefined;
  'aria-label'?: string;
};

/** An ordinary link (middle-click and copy work) that moves without reloading the page. */
export function Link({ to, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return createElement('a', { href: to, onClick, ...rest }, children);
}
