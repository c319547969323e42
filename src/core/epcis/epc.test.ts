import { describe, expect, it } from 'vitest';
import { NOT_AN_SGTIN, parseEpc, sgtinGtin, sgtinUrn, unitEpc } from './epc.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';

describe('parseEpc', () => {
  const mapped: Array<[string, string, { gtin: string; serial: string; lot?: string; expiry?: string; form: string }]> = [
    ['a canonical Digital Link', 'https://id.gs1.org/01/70614141123451/21/2017', { gtin: '70614141123451', serial: '2017', form: 'digital-link' }],
    [
      'a Digital Link on another host under a path prefix, with a linkType query',
      'https://brand.example.com/products/01/09506000134352/21/ABC-1?linkType=gs1:pip',
      { gtin: '09506000134352', serial: 'ABC-1', form: 'digital-link' },
    ],
    ['a Digital Link with a GTIN-13, padded to 14 digits', 'https://id.gs1.org/01/9506000134352/21/7', { gtin: '09506000134352', serial: '7', form: 'digital-link' }],
    [
      'a Digital Link with a lot qualifier and an expiry attribute',
      'https://id.gs1.org/01/09506000134352/10/L1/21/S1?17=270131',
      { gtin: '09506000134352', serial: 'S1', lot: 'L1', expiry: '2027-01-31', form: 'digital-link' },
    ],
    ['a Digital Link with a percent-encoded serial', 'https://id.gs1.org/01/09506000134352/21/A%2FB%25C', { gtin: '09506000134352', serial: 'A/B%C', form: 'digital-link' }],
    ['an http (not https) Digital Link', 'http://example.org/01/09506000134352/21/X', { gtin: '09506000134352', serial: 'X', form: 'digital-link' }],
    ['the SGTIN URN of the EPCIS examples', 'urn:epc:id:sgtin:0614141.107346.2017', { gtin: '10614141073464', serial: '2017', form: 'sgtin-urn' }],
    ['an SGTIN URN with a 12-digit company prefix', 'urn:epc:id:sgtin:950600013435.0.99', { gtin: '09506000134352', serial: '99', form: 'sgtin-urn' }],
    ['an SGTIN URN with a 6-digit company prefix', 'urn:epc:id:sgtin:950600.0013435.A', { gtin: '09506000134352', serial: 'A', form: 'sgtin-urn' }],
    ['an SGTIN URN with escaped characters in the serial', 'urn:epc:id:sgtin:0614141.107346.A%2FB%22C', { gtin: '10614141073464', serial: 'A/B"C', form: 'sgtin-urn' }],
    ['an SGTIN URN whose serial contains dots', 'urn:epc:id:sgtin:0614141.107346.1.2.3', { gtin: '10614141073464', serial: '1.2.3', form: 'sgtin-urn' }],
    ['an SGTIN URN with an upper-case scheme', 'URN:EPC:ID:SGTIN:0614141.107346.2017', { gtin: '10614141073464', serial: '2017', form: 'sgtin-urn' }],
  ];
  it.each(mapped)('maps %s to its GTIN-14 and serial', (_, epc, expected) => {
    expect(parseEpc(epc)).toEqual({ ok: true, ...expected });
  });

  const refused: Array<[string, string, string | RegExp]> = [
    ['a Digital Link of a GTIN without a serial', 'https://id.gs1.org/01/09506000134352', NOT_AN_SGTIN],
    ['a Digital Link of an SSCC', 'https://id.gs1.org/00/106141412345678908', NOT_AN_SGTIN],
    ['a Digital Link with a wrong GTIN check digit', 'https://id.gs1.org/01/09506000134353/21/1', /^not a valid GS1 Digital Link: .*check digit/],
    ['a Digital Link with a serial of 21 characters', `https://id.gs1.org/01/09506000134352/21/${'A'.repeat(21)}`, /^not a valid GS1 Digital Link: .*at most 20/],
    ['an SSCC URN', 'urn:epc:id:sscc:0614141.1234567890', NOT_AN_SGTIN],
    ['an SGTIN pattern', 'urn:epc:idpat:sgtin:4012345.044444.*', NOT_AN_SGTIN],
    ['an LGTIN class', 'urn:epc:class:lgtin:4012345.012345.998877', NOT_AN_SGTIN],
    ['a web page that is not a Digital Link', 'https://example.com/shop/item/42', NOT_AN_SGTIN],
    ['a UUID URN', 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8', NOT_AN_SGTIN],
    ['a bare serial', 'SN-0001', NOT_AN_SGTIN],
    ['an SGTIN URN whose parts do not make 13 digits', 'urn:epc:id:sgtin:0614141.10734.2017', /13 digits/],
    ['an SGTIN URN without a serial', 'urn:epc:id:sgtin:0614141.107346', /^not a valid SGTIN URN/],
    ['an SGTIN URN with a broken escape', 'urn:epc:id:sgtin:0614141.107346.A%2', /'%'/],
    ['an SGTIN URN with a 21-character serial', `urn:epc:id:sgtin:0614141.107346.${'9'.repeat(21)}`, /1 to 20 characters/],
    ['an SGTIN URN with a non-ASCII serial', 'urn:epc:id:sgtin:0614141.107346.%C3%A9', /character set 82/],
  ];
  it.each(refused)('does not map %s and says why', (_, epc, reason) => {
    const result = parseEpc(epc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('sgtinGtin', () => {
  it.each([
    ['0614141', '107346', '10614141073464'],
    ['0614141', '812345', '80614141123458'],
    ['950600013435', '0', '09506000134352'],
  ])('builds the GTIN-14 of company prefix %s and item reference %s with its check digit', (prefix, itemRef, gtin) => {
    expect(sgtinGtin(prefix, itemRef)).toBe(gtin);
  });

  it.each([
    ['06141', '12345678'],
    ['0614141', '10734'],
    ['06141A1', '107346'],
  ])('returns null for company prefix %s with item reference %s', (prefix, itemRef) => {
    expect(sgtinGtin(prefix, itemRef)).toBeNull();
  });
});

describe('unitEpc', () => {
  const cases: Array<[string, { gtin: string | null; sku: string; serial: string }, string]> = [
    ['a GS1 serial of a product with a GTIN', { gtin: '09506000134352', sku: 'CAM-1', serial: 'SN-1' }, 'https://id.gs1.org/01/09506000134352/21/SN-1'],
    ['a serial with reserved URI characters', { gtin: '09506000134352', sku: 'CAM-1', serial: 'A/B?C' }, 'https://id.gs1.org/01/09506000134352/21/A%2FB%3FC'],
    ['a product without a GTIN', { gtin: null, sku: 'CAM 1/x', serial: 'SN 1' }, `https://unitrace.example/${TENANT}/sku/CAM%201%2Fx/serial/SN%201`],
    [
      'a serial too long for AI (21)',
      { gtin: '09506000134352', sku: 'CAM-1', serial: 'S'.repeat(21) },
      `https://unitrace.example/${TENANT}/sku/CAM-1/serial/${'S'.repeat(21)}`,
    ],
    ['a serial outside GS1 character set 82', { gtin: '09506000134352', sku: 'CAM-1', serial: 'Grüße 1' }, `https://unitrace.example/${TENANT}/sku/CAM-1/serial/Gr%C3%BC%C3%9Fe%201`],
    ['a product whose stored GTIN has a wrong check digit', { gtin: '09506000134353', sku: 'CAM-1', serial: 'SN-1' }, `https://unitrace.example/${TENANT}/sku/CAM-1/serial/SN-1`],
  ];
  it.each(cases)('names %s', (_, unit, epc) => {
    expect(unitEpc(TENANT, unit)).toBe(epc);
  });

  it.each(['SN-1', 'A/B?C', 'x%y', "!\"%&'()*+,-./:;<=>?_", '12345678901234567890'])(
    'round-trips serial %s through its Digital Link and its SGTIN URN',
    (serial) => {
      const gtin = '10614141073464';
      const dl = unitEpc(TENANT, { gtin, sku: 'S', serial });
      expect(parseEpc(dl)).toEqual({ ok: true, form: 'digital-link', gtin, serial });
      for (const prefixLength of [6, 7, 9, 12]) {
        expect(parseEpc(sgtinUrn(gtin, serial, prefixLength))).toEqual({ ok: true, form: 'sgtin-urn', gtin, serial });
      }
    },
  );

  it('writes the URN of the EPCIS examples for company prefix 0614141', () => {
    expect(sgtinUrn('10614141073464', '2017', 7)).toBe('urn:epc:id:sgtin:0614141.107346.2017');
  });
});
