import { Type } from '@fastify/type-provider-typebox';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/cursor.ts';

/** Pieces of request schemas that several routes share. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
};

export const Sku = Type.String({ minLength: 1, maxLength: 64 });
export const Serial = Type.String({ minLength: 1, maxLength: 200, description: 'trimmed, then 1 to 64 printable characters; case-sensitive' });
export const Station = Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'packing station name, kept in the history' }));

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Any()),
  }),
});
