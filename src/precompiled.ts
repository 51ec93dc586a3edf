import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/**
 * A JSON-schema validator ajv compiled to code at build time (scripts/build.mjs writes
 * dist/validators/<name>.cjs with ajv's standalone code), so a run does not compile schemas at start. Running from src/ (tests under tsx) there is none: the caller compiles, with the same options.
 * `T` is what the schema describes, as for ajv's own `compile<T>`.
 * @see https://ajv.js.org/standalone.html
 */
export function precompiledValidator<T = unknown>(name: string): ValidateFunction<T> | undefined {
  if (import.meta.url.endsWith('.ts')) return undefined;
  // The build wrote this module from the same schema: the one claim about its type made unchecked.
  return require(`./validators/${name}.cjs`) as ValidateFunction<T>;
}
