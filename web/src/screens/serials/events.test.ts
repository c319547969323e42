import { describe, expect, it } from 'vitest';
import { describeEvent, eventDetails } from './events.ts';

describe('timeline wording', () => {
  it('names the known event types in plain words', () => {
    expect(describeEvent('packed')).toBe('Packed');
    expect(describeEvent('unpacked')).toBe('Removed from the order');
  });

  it('shows an unknown event type readably rather than hiding it', () => {
    expect(describeEvent('sent_for_repair')).toBe('Sent for repair');
  });

  it('lists the details that carry a value, with readable labels', () => {
    expect(eventDetails({ details: { carrier: 'DHL', trackingNumber: null, scanned: true, extra: { a: 1 } } })).toEqual([
      ['carrier', 'DHL'],
      ['capture', 'scanned'],
      ['extra', '{"a":1}'],
    ]);
  });

  it('hides internal ids and words statuses plainly', () => {
    expect(eventDetails({ details: { previousStatus: 'in_stock', previousOrderId: 42 } })).toEqual([['status before', 'in stock']]);
  });

  it('words the events and details of a return', () => {
    expect(describeEvent('return_held')).toBe('Return held for review');
    expect(eventDetails({ details: { returnId: 7, item: 0, rma: 'RMA-1', verdict: 'wrong_serial', condition: 'damaged' } })).toEqual([
      ['return', '7'],
      ['RMA', 'RMA-1'],
      ['verdict', 'wrong serial'],
      ['condition', 'damaged'],
    ]);
  });

  it('gives no details for an event without any', () => {
    expect(eventDetails({ details: null })).toEqual([]);
  });
});
