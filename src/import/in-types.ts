import { WINDOWS_TYPES, type WindowsType } from '../definition/windows-types.ts';
import { isOneOf } from '../guards.ts';

/**
 * A template item's Windows type from its `inType` and `outType`. The inType says how the provider
 * writes the value; the definition's type says what arrives in the event XML, which is the outType's
 * rendering where that differs: an integer written with outType HexInt32/HexInt64 (or HexInt8/16)
 * arrives as hex text (`0x1F`), so it is typed HexInt32/HexInt64; a UInt32 with outType IPv4 arrives
 * as a dotted address, so it is text. Every other outType keeps the inType.
 * @see https://learn.microsoft.com/windows/win32/wes/eventmanifestschema-inputtype-complextype
 * @see https://learn.microsoft.com/windows/win32/wes/eventmanifestschema-outputtype-complextype
 */
export function windowsTypeOf(inType: string, outType: string | undefined): WindowsType | undefined {
  const base = inType.replace(/^win:/, '');
  if (!isOneOf(WINDOWS_TYPES, base)) return undefined;
  const out = outType?.replace(/^(win|xs):/, '');
  const integer = base.startsWith('UInt') || base.startsWith('Int');
  if (integer && (out === 'HexInt8' || out === 'HexInt16' || out === 'HexInt32')) return 'HexInt32';
  if (integer && out === 'HexInt64') return 'HexInt64';
  if (base === 'UInt32' && out === 'IPv4') return 'UnicodeString';
  return base;
}
