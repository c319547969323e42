import { describe, expect, it } from 'vitest';
import { cameraScanText } from './camera-text.ts';

describe('cameraScanText', () => {
  it.each([
    ['0109501101530003172701012110ABC', 'data_matrix', ']d20109501101530003172701012110ABC'],
    ['0109501101530003\u001d21X', 'qr_code', ']Q30109501101530003\u001d21X'],
    ['0109501101530003', 'code_128', ']C10109501101530003'],
    ['0109501101530004', 'data_matrix', '0109501101530004'], // bad check digit: not GS1 after all
    ['123456', 'data_matrix', '123456'], // a numeric serial stays a serial
    ['SN-0001', 'data_matrix', 'SN-0001'],
    ['0109501101530003', 'ean_13', '0109501101530003'],
    ['https://id.gs1.org/01/09501101530003/21/X', 'qr_code', 'https://id.gs1.org/01/09501101530003/21/X'],
  ])('turns %j read as %s into %j', (raw, format, expected) => {
    expect(cameraScanText(raw, format)).toBe(expected);
  });
});
