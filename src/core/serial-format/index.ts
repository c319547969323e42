/**
 * Per-SKU serial formats: the format language, checking serials against it, generating serials
 * from it, and reading pasted serial lists. Pure functions; see docs/serial-formats.md.
 */
export {
  DEFAULT_CHARSET,
  charsetNames,
  placeholderLetters,
  type CharsetName,
  type PlaceholderLetter,
} from './charsets.ts';
export {
  MAX_FORMAT_SOURCE_LENGTH,
  MAX_SERIAL_LENGTH,
  checkRules,
  formatSerialFormat,
  parseSerialFormat,
  type CheckRule,
  type SerialFormatSpec,
} from './spec.ts';
export {
  checkSerialAgainstFormat,
  compileSerialFormat,
  type CompiledSerialFormat,
  type SerialFormatCheck,
} from './compile.ts';
export {
  MAX_GENERATE_COUNT,
  counterCapacity,
  generateRandom,
  generateSequential,
  guessProbability,
  randomSpaceSize,
  type GenerateOptions,
  type RandomBytes,
} from './generate.ts';
export { MAX_SERIAL_LIST_SIZE, parseSerialList, type ParseSerialListOptions } from './serial-list.ts';
