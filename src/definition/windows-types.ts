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
 * (DESIGN.md §4). Adding a Windows type without a row here fails to compile.
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
  HexInt64: opaque,
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
  Pointer: opaque,
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
