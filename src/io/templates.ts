import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recordOf } from '../guards.ts';
import { PAINLESS_NAMES, type PainlessSources } from '../generate/painless.ts';
import { TEMPLATE_NAMES, type TemplateSources } from '../render/serialize.ts';

/** The package's `templates/` folder, wherever the package is installed. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

let cached: TemplateSources | undefined;

/** Reads `templates/*.hbs` once per process. */
export function loadTemplates(): TemplateSources {
  cached ??= recordOf(TEMPLATE_NAMES, (name) => readFileSync(`${TEMPLATES_DIR}${name}.hbs`, 'utf8'));
  return cached;
}

let painless: PainlessSources | undefined;

/** Reads `templates/painless/*.painless` once per process: the pipeline's script sources. */
export function loadPainless(): PainlessSources {
  painless ??= recordOf(PAINLESS_NAMES, (name) => readFileSync(`${TEMPLATES_DIR}painless/${name}.painless`, 'utf8'));
  return painless;
}
