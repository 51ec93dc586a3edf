import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recordOf } from '../guards.ts';

/** The package's `assets/` folder (Handlebars views, Painless sources), wherever the package is installed. */
export const ASSETS_DIR = fileURLToPath(new URL('../../assets/', import.meta.url));

const cache = new Map<string, Readonly<Record<string, string>>>();

/**
 * The package's files `assets/<folder><name><extension>` by name, read once per process.
 * Which names there are is the caller's (the renderer's and the pipeline generator's lists): this
 * module only reads files.
 */
export function readAssets<N extends string>(folder: string, names: readonly N[], extension: string): Readonly<Record<N, string>> {
  const key = `${folder}|${extension}|${names.join(',')}`;
  const hit = cache.get(key);
  if (hit) return recordOf(names, (n) => hit[n] ?? '');
  const read = recordOf(names, (name) => readFileSync(`${ASSETS_DIR}${folder}${name}${extension}`, 'utf8'));
  cache.set(key, read);
  return read;
}
