/**
 * The pure helpers of src/core that the web app shares with the server, in one place: the same
 * serial rule, GTIN matching, GS1 scan parsing and product field checks run in the browser, so
 * the app can answer at once and with the server's own words. Nothing else of src/ is imported
 * (the app talks to the server over HTTP); web/import-rules.test.ts keeps it that way.
 */
export { checkSerial, SERIAL_MAX_LENGTH } from '../../src/core/serial.ts';
export { isProductBarcode, normalizeGtin } from '../../src/core/gtin.ts';
export { isGs1Scan, looksLikeGs1, parseScan } from '../../src/core/gs1/index.ts';
export { checkProduct, Problems, type FieldProblem } from '../../src/core/validate.ts';
export { roleAllows, type Role } from '../../src/core/model.ts';
export { parseSerialList } from '../../src/core/serial-format/serial-list.ts';
export {
  returnConditions,
  returnVerdicts,
  type ReturnCondition,
  type ReturnItemDisposition,
  type ReturnVerdict,
  type ReviewDecision,
} from '../../src/core/returns.ts';
export { parseSerialSelection, type SerialSelection } from '../../src/core/serial-format/serial-list.ts';
