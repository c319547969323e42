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

export const unitStatuses = ['in_stock', 'packed', 'shipped', 'returned', 'recalled'] as const;
export type UnitStatus = (typeof unitStatuses)[number];

/** What happened to a unit; each is one append-only event in its history. */
export type SerialEventType = 'packed' | 'unpacked' | 'shipped' | 'released' | 'generated' | 'received';

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
