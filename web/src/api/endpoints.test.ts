import { describe, expect, it } from 'vitest';
import { epcisEventsUrl, reportCsvUrl } from './endpoints.ts';

describe('report export addresses', () => {
  it('asks for the CSV of the report with the same filters', () => {
    expect(reportCsvUrl({ shippedFrom: '2026-11-01', sku: 'CAM-1', customer: 'Ada' })).toBe(
      '/api/v1/reports/serial-numbers?shippedFrom=2026-11-01&sku=CAM-1&customer=Ada&format=csv',
    );
  });

  it('maps the ship dates to the EPCIS event-time range and keeps the SKU, leaving out order and customer', () => {
    expect(
      epcisEventsUrl({ shippedFrom: '2026-11-01', shippedTo: '2026-11-30', sku: 'CAM 1', orderNumber: 'SO-1', customer: 'Ada' }),
    ).toBe('/api/v1/epcis/events?from=2026-11-01&to=2026-11-30&sku=CAM+1');
  });

  it('exports every event when no filter is set', () => {
    expect(epcisEventsUrl({})).toBe('/api/v1/epcis/events');
  });
});
