import { PassThrough } from 'node:stream';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { serialReportCsv, serialReportCsvHeader, serialReportDaily, serialReportPage } from '../../services/reports.service.ts';
import type { Db } from '../../storage/database.ts';
import { presentReportRow } from '../presenters.ts';
import { PageQuery } from '../schemas.ts';
import { streamStarted } from '../stream-reply.ts';

const ReportFilter = {
  shippedFrom: Type.Optional(Type.String({ maxLength: 40, description: 'first UTC day (2026-11-01) or ISO timestamp' })),
  shippedTo: Type.Optional(Type.String({ maxLength: 40, description: 'last UTC day, inclusive, or ISO timestamp' })),
  sku: Type.Optional(Type.String({ maxLength: 64 })),
  orderNumber: Type.Optional(Type.String({ maxLength: 64 })),
  customer: Type.Optional(Type.String({ maxLength: 200, description: 'part of the customer name, email or company, or the external id' })),
  serials: Type.Optional(
    Type.String({
      maxLength: 100_000,
      description:
        'only these serials: a list as for /serials/expand (SN0001, SN0998-SN1002, SN0010+3, one per line or comma-separated); a range matches by the number a serial ends with (SN999 is inside SN0998-SN1002; see docs/recalls.md)',
    }),
  ),
};

export const reportsRoutes: FastifyPluginAsyncTypebox<{ db: Db; pool: pg.Pool }> = async (app, { db, pool }) => {
  app.get(
    '/reports/serial-numbers/daily',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['reports'],
        description: 'Serialized units shipped per UTC day, for the chart.',
        querystring: Type.Object(ReportFilter, { additionalProperties: false }),
      },
    },
    async (request) => ({ days: await serialReportDaily(db, request.actor, request.query) }),
  );

  app.get(
    '/reports/serial-numbers',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['reports'],
        description:
          'Serials of dispatched orders. Dates are UTC days (2026-11-23) or ISO timestamps; shippedTo is inclusive. format=csv streams every matching row (no paging).',
        querystring: Type.Object(
          {
            ...ReportFilter,
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { format, limit, cursor, ...filter } = request.query;
      if (format === 'csv') {
        const rows = await serialReportCsv(pool, request.actor, filter);
        reply.raw.on('close', () => rows.destroy());
        await streamStarted(request, rows);
        const stamp = new Date().toISOString().slice(0, 10);
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="serial-number-report-${stamp}.csv"`);
        const body = new PassThrough();
        body.write(serialReportCsvHeader);
        rows.on('error', (error) => body.destroy(error));
        rows.pipe(body);
        return reply.send(body);
      }
      const page = await serialReportPage(db, request.actor, { ...filter, limit: limit ?? 50, cursor });
      return { items: page.items.map(presentReportRow), nextCursor: page.nextCursor };
    },
  );
};
