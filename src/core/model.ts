/** Domain vocabulary shared by every layer. */

export const roles = ['viewer', 'packer', 'admin'] as const;
export type Role = (typeof roles)[number];

/** viewer < packer < admin: a route names the least role it needs. */
export function roleAllows(role: Role, needed: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(needed);
}

export const orderTypes = ['B2C', 'B2B'] as const;
export type OrderType = (typeof orderTypes)[number];

export const orderStatuses = ['open', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Where a unit is. */
export const unitStatuses = ['in_stock', 'packed', 'shipped', 'returned', 'scrapped'] as const;
export type UnitStatus = (typeof unitStatuses)[number];

/** Whether a unit is held: a held unit is not packed, shipped, restocked or received. */
export const unitHolds = ['none', 'recalled', 'quarantined'] as const;
export type UnitHold = (typeof unitHolds)[number];

/** What is to become of a returned unit. */
export const unitDispositions = ['pending', 'restocked', 'scrapped', 'review'] as const;
export type UnitDisposition = (typeof unitDispositions)[number];

/**
 * How far a serial must be unique among the units a tenant has out (packed or shipped):
 * `order` only within one order (the seed rule, with its allow-duplicates switch), `sku` one unit
 * per SKU and serial (it ships again only after it came back), `tenant` one serial across all SKUs.
 */
export const duplicateScopes = ['order', 'sku', 'tenant'] as const;
export type DuplicateScope = (typeof duplicateScopes)[number];

/** What happened to a unit; each is one append-only event in its history. */
export type SerialEventType =
  | 'packed'
  | 'unpacked'
  | 'shipped'
  | 'released'
  | 'generated'
  | 'received'
  // returns (core/returns.ts)
  | 'returned'
  | 'return_held'
  | 'return_accepted'
  | 'return_rejected'
  | 'restocked'
  | 'scrapped'
  // corrections of a shipped order's serial (core/corrections.ts)
  | 'correction'
  | 'corrected'
  // recalls (core/recalls.ts)
  | 'recalled'
  | 'recall_cleared';

/** Who did something: an API key, a signed-in user, or the command line. */
export type Actor = {
  tenantId: string;
  /** 'key:<id>', 'user:<id>' or 'cli' */
  id: string;
  role: Role;
};

export type Customer = {
  name: string;
  email: string | null;
  company: string | null;
  externalId: string | null;
};
