import { describe, expect, it } from 'vitest';
import { matchRoute, paths } from './router.ts';

describe('matchRoute', () => {
  it.each([
    ['/', { name: 'home' }],
    ['/sign-in', { name: 'sign-in' }],
    ['/products', { name: 'products' }],
    ['/products/', { name: 'products' }],
    ['/products/new', { name: 'product-new' }],
    ['/import/products', { name: 'product-import' }],
    ['/import/orders', { name: 'order-import' }],
    ['/import/receipts', { name: 'receipt-import' }],
    ['/orders/import', { name: 'order', orderNumber: 'import' }],
    ['/products/CAM-1/edit', { name: 'product-edit', sku: 'CAM-1' }],
    ['/orders/SO%2F1', { name: 'order', orderNumber: 'SO/1' }],
    ['/packing', { name: 'packing' }],
    ['/receiving', { name: 'receiving' }],
    ['/returns', { name: 'returns' }],
    ['/serials/SN%20001', { name: 'serial', serial: 'SN 001' }],
    ['/report', { name: 'report' }],
    ['/settings', { name: 'settings' }],
    ['/audit', { name: 'audit' }],
    ['/recalls', { name: 'recalls' }],
    ['/recalls/new', { name: 'recall-new' }],
    ['/recalls/12', { name: 'recall', id: 12 }],
    ['/recalls/012', { name: 'not-found', path: '/recalls/012' }],
    ['/recalls/x', { name: 'not-found', path: '/recalls/x' }],
  ])('reads %s', (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it('says not found for unknown paths and broken escapes', () => {
    expect(matchRoute('/nope')).toEqual({ name: 'not-found', path: '/nope' });
    expect(matchRoute('/serials/%E0%A4%A')).toEqual({ name: 'not-found', path: '/serials/%E0%A4%A' });
  });

  it('round-trips values with reserved characters through the path builders', () => {
    for (const value of ['SO/1', 'a b?c#d', 'new', '100%']) {
      expect(matchRoute(paths.order(value))).toEqual({ name: 'order', orderNumber: value });
      expect(matchRoute(paths.serial(value))).toEqual({ name: 'serial', serial: value });
    }
    expect(matchRoute(paths.productEdit('new'))).toEqual({ name: 'product-edit', sku: 'new' });
    expect(paths.receiving('5f0c0000-0000-4000-8000-000000000000')).toBe('/receiving?receipt=5f0c0000-0000-4000-8000-000000000000');
    expect(paths.receiving()).toBe('/receiving');
  });

  it('opens the returns desk on a return or an order', () => {
    expect(paths.returns()).toBe('/returns');
    expect(paths.returns({ order: 'SO/1' })).toBe('/returns?order=SO%2F1');
    expect(paths.returns({ returnId: 7, order: 'SO-1' })).toBe('/returns?return=7');
  });

  it('keeps where to go back to after signing in, except for the start page', () => {
    expect(paths.signIn('/report?sku=A')).toBe('/sign-in?next=%2Freport%3Fsku%3DA');
    expect(paths.signIn('/')).toBe('/sign-in');
  });
});
