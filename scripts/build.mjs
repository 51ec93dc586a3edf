// `npm run build` (and npm ci, through `prepare`): compiles src/ into dist/ with tsc, copies the
// assets src/ reads beside its code (JSON schemas, …), writes the definition schema as data and the
// JSON-schema validators as code, and stamps dist/ with the sources' digest.
// dist/ is removed first, so a deleted source never survives as stale JavaScript.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STAMP, sourceDigest } from '../src/cli/source-digest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const digest = sourceDigest(root); // before compiling: an edit made meanwhile then shows as stale
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  console.error('✖ tsc failed (errors above); dist/ is not built');
  process.exit(1);
}
// Everything but code: src/cli/bin.mjs stays the entry point in src/.
const isAsset = (path) => statSync(path).isDirectory() || !/\.(ts|mts|mjs)$/.test(path);
cpSync(join(root, 'src'), join(root, 'dist'), { recursive: true, filter: isAsset });
await writeValidators(await writeSchemaData());
writeFileSync(join(root, STAMP), `${digest}\n`);

/**
 * dist/definition/schema.js as the schemas it builds, written as data: src/definition/schema.ts builds
 * them with TypeBox, which the compiled CLI and library then never load (it costs more start-up than
 * all of ajv). The .d.ts tsc wrote stays: the types are the builders' own.
 */
async function writeSchemaData() {
  const path = join(root, 'dist/definition/schema.js');
  const built = await import(pathToFileURL(path).href);
  const data = JSON.parse(JSON.stringify({ ...built }));
  const lines = Object.entries(data).map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`);
  writeFileSync(path, `// Written by scripts/build.mjs from src/definition/schema.ts: the schemas its TypeBox builders return, as data.\n${lines.join('\n')}\n`);
  rmSync(`${path}.map`, { force: true });
  return data;
}

/** The JSON schemas as ajv standalone code (src/precompiled.ts loads them), from the compiled modules. */
async function writeValidators({ definitionSchema }) {
  const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
  const { Ajv } = await import('ajv');
  const { SHAPE_AJV_OPTIONS } = await import(pathToFileURL(join(root, 'dist/definition/validate.js')).href);
  const { sigmaAjv, sigmaSchema } = await import(pathToFileURL(join(root, 'dist/render/serialize.js')).href);
  const { MANIFEST_AJV_OPTIONS, MANIFEST_SCHEMAS } = await import(pathToFileURL(join(root, 'dist/manifest/read.js')).href);
  const shape = new Ajv({ ...SHAPE_AJV_OPTIONS, code: { source: true } });
  const sigma = sigmaAjv({ code: { source: true } });
  mkdirSync(join(root, 'dist/validators'));
  writeFileSync(join(root, 'dist/validators/definition-shape.cjs'), standaloneCode(shape, shape.compile(definitionSchema)));
  writeFileSync(join(root, 'dist/validators/sigma-rule.cjs'), standaloneCode(sigma, sigma.compile(sigmaSchema)));
  // One validator per manifest version (src/manifest/read.ts loads manifest-v<n>).
  const manifest = new Ajv({ ...MANIFEST_AJV_OPTIONS, code: { source: true } });
  for (const [version, schema] of Object.entries(MANIFEST_SCHEMAS)) writeFileSync(join(root, `dist/validators/manifest-v${version}.cjs`), standaloneCode(manifest, manifest.compile(schema)));
}
