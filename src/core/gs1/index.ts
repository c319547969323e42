export {
  parseScan,
  looksLikeGs1,
  DEFAULT_REFERENCE_YEAR,
  MAX_SCAN_LENGTH,
  type Gs1Element,
  type ParsedScan,
  type ParseOptions,
} from './parse-scan.ts';
export { buildElementString, buildHumanReadable, type ElementInput } from './element-string.ts';
export { buildDigitalLink } from './digital-link.ts';
export { lookupAi, AI_DEFINITIONS, type AiDefinition, type AiComponent, type CharSet } from './ai-table.ts';
export type { ScanRule, ScanErrorDetails } from './scan-error.ts';
export { isGs1Scan } from './detect.ts';
