import { LosslessNumber, isSafeNumber, parse } from 'lossless-json';

/**
 * JSON.parse without silent rounding: integers beyond 2^53 become `bigint`, other numbers JavaScript
 * cannot hold exactly stay lossless-json `LosslessNumber`s; the project's serializer writes both back
 * digit for digit. `__proto__` keys become plain own properties. Event files, simulate results and
 * expected outputs all go through here.
 * @see https://github.com/josdejong/lossless-json
 */
export function parseLossless(text: string): unknown {
  return parse(text, null, (digits) => {
    if (isSafeNumber(digits)) return Number(digits);
    if (/^-?\d+$/.test(digits)) return BigInt(digits);
    return new LosslessNumber(digits);
  });
}
