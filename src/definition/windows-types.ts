import type { IndexType } from '../terms.ts';
/**
 * Windows event template input types and what each becomes in an index.
 * @see https://learn.microsoft.com/windows/win32/wes/eventmanifestschema-inputtype-complextype
 */
export const WINDOWS_TYPES = [
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'HexInt32',
  'HexInt64',
  'Float',
  'Double',
  'UnicodeString',
  'AnsiString',
  'Boolean',
  'GUID',
  'SID',
  'FILETIME',
  'SYSTEMTIME',
  'Binary',
  'Pointer',
] as const;
export type WindowsType = (typeof WINDOWS_TYPES)[number];

/** Index field types evforge emits. Both engines know all of them. */
export type { IndexType } from '../terms.ts';

/** How values of one Windows type are stored and converted. */
export interface WindowsTypeSpec {
  /** The natural index type of a typed copy (an ECS target or a custom field). */
  readonly natural: IndexType;
  /** Index types a value of this Windows type may be written to without loss. */
  readonly compatible: readonly IndexType[];
  /** Inclusive range for integers that fit a `long`; checked by the pipeline before conversion. */
  readonly range?: readonly [min: bigint, max: bigint];
  /** True for types whose text form is what analysts search (hex LUIDs, 64-bit counters). */
  readonly keepAsText?: boolean;
  /** Whether values are strings that can be path-split or case-folded. */
  readonly textual: boolean;
}

const int = (bits: number, signed: boolean): WindowsTypeSpec => ({
  natural: 'long',
  compatible: ['long', 'double', 'keyword'],
  range: signed ? [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n] : [0n, 2n ** BigInt(bits) - 1n],
  textual: false,
});
const text: WindowsTypeSpec = { natural: 'keyword', compatible: ['keyword', 'ip'], textual: true };
const opaque: WindowsTypeSpec = { natural: 'keyword', compatible: ['keyword'], keepAsText: true, textual: true };

/**
 * UInt32 needs `long` (it overflows `integer`); UInt64 and HexInt64 overflow `long` and stay text
 * (DESIGN.md §4); a HexInt64 or Pointer (a process id, 0x2d4) may also fill a `long`, for the values
 * a long holds. Adding a Windows type without a row here fails to compile.
 */
export const WINDOWS_TYPE_SPECS = {
  UInt8: int(8, false),
  UInt16: int(16, false),
  UInt32: int(32, false),
  UInt64: { ...opaque, compatible: ['keyword'] },
  Int8: int(8, true),
  Int16: int(16, true),
  Int32: int(32, true),
  Int64: int(64, true),
  HexInt32: { natural: 'keyword', compatible: ['keyword', 'long'], range: [0n, 2n ** 32n - 1n], keepAsText: true, textual: true },
  // Hex text a long can hold up to 2^63 − 1: a larger value only loses its typed copy (kept aside).
  HexInt64: { ...opaque, compatible: ['keyword', 'long'], range: [0n, 2n ** 64n - 1n] },
  Float: { natural: 'double', compatible: ['double', 'keyword'], textual: false },
  Double: { natural: 'double', compatible: ['double', 'keyword'], textual: false },
  UnicodeString: text,
  AnsiString: text,
  Boolean: { natural: 'boolean', compatible: ['boolean', 'keyword'], textual: false },
  GUID: opaque,
  SID: opaque,
  FILETIME: { natural: 'date', compatible: ['date', 'date_nanos', 'keyword'], textual: false },
  SYSTEMTIME: { natural: 'date', compatible: ['date', 'date_nanos', 'keyword'], textual: false },
  Binary: opaque,
  Pointer: { ...opaque, compatible: ['keyword', 'long'], range: [0n, 2n ** 64n - 1n] },
} as const satisfies Record<WindowsType, WindowsTypeSpec>;

/** Event levels as Windows names them, and the `log.level` Winlogbeat writes for each. */
export const WINDOWS_LEVELS = {
  0: { name: 'LogAlways', logLevel: 'information' },
  1: { name: 'Critical', logLevel: 'critical' },
  2: { name: 'Error', logLevel: 'error' },
  3: { name: 'Warning', logLevel: 'warning' },
  4: { name: 'Informational', logLevel: 'information' },
  5: { name: 'Verbose', logLevel: 'verbose' },
} as const satisfies Record<number, { name: string; logLevel: string }>;
export type WindowsLevel = keyof typeof WINDOWS_LEVELS;

/**
 * The keywords Windows defines for every provider: bits 48 to 55 of the 64-bit mask, named as
 * Windows displays them (wevtapi.dll's strings) and Winlogbeat writes them in `winlog.keywords`.
 * Bits 0–47 are the provider's own keywords and 56–63 its channels: they have no name here.
 * @see https://learn.microsoft.com/windows/win32/wes/eventmanifestschema-keywordtype-complextype
 */
export const STANDARD_KEYWORDS = [
  { bit: 48, name: 'Response Time' },
  { bit: 49, name: 'WDI Context' },
  { bit: 50, name: 'WDI Diag' },
  { bit: 51, name: 'SQM' },
  { bit: 52, name: 'Audit Failure' },
  { bit: 53, name: 'Audit Success' },
  { bit: 54, name: 'Correlation Hint' },
  { bit: 55, name: 'Classic' },
] as const;

/** The `event.outcome` each audit keyword means (Winlogbeat derives it the same way). */
export const KEYWORD_OUTCOMES = { 'Audit Success': 'success', 'Audit Failure': 'failure' } as const;

/**
 * Hex text in one form: `0x` and lowercase digits without leading zeros (`0xC000006D` and
 * `0x00000000c000006d` are both `0xc000006d`); undefined for anything else, or a value beyond 64 bits.
 * Lookup keys, outcome values and the pipeline compare hex values in this form.
 */
export function canonicalHex(text: string): string | undefined {
  if (!/^0[xX][0-9A-Fa-f]+$/.test(text)) return undefined;
  const n = BigInt(text.replace(/^0X/, '0x'));
  return n < 2n ** 64n ? `0x${n.toString(16)}` : undefined;
}
