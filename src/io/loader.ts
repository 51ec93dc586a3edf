import { access, constants, readFile, readdir, stat } from 'node:fs/promises';
import { sha256 } from '../json.ts';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventDefinition } from '../definition/model.ts';
import { loadDefinition } from '../definition/resolve.ts';
import { FileError, ValidationError } from '../errors.ts';
import { isRecord, messageOf, valueAt } from '../guards.ts';

export interface LoadedDefinition {
  readonly definition: EventDefinition;
  /** The file, relative to the working folder, `/`-separated (what headers and the manifest name). */
  readonly source: string;
  readonly absolutePath: string;
}

/** `*.ts` files directly in `dir`, sorted, so the default run is the same on every machine. */
export async function findDefinitionFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new FileError(dir, `cannot list definitions: ${messageOf(err)}`, 'pass definition files explicitly: evforge generate path/to/event.ts');
  }
  const files = names.filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts')).sort();
  if (files.length === 0) throw new FileError(dir, 'no definition files (*.ts) found', 'write one (see "Writing a definition" in the README) or pass files explicitly');
  return files.map((n) => resolve(dir, n));
}

export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return (rel.startsWith('..') || isAbsolute(rel) ? path : rel).split(sep).join('/');
}

let typeScriptLoader: Promise<unknown> | undefined;

/**
 * evforge itself runs compiled (dist/); only definitions need TypeScript, so tsx's loader is
 * registered on the first one (`--version` or `--help` never pay for it). Running from src/ (tests,
 * under mocha's tsx import) a loader is active already.
 */
function loadTypeScript(): Promise<unknown> {
  if (import.meta.url.endsWith('.ts')) return Promise.resolve();
  typeScriptLoader ??= import('tsx/esm/api').then(({ register }) => register());
  return typeScriptLoader;
}

/**
 * Imports a TypeScript definition (through tsx, so no build step for it) and validates its default
 * export. Its `import … from 'evforge'` resolves through the package's exports to the code that runs.
 * `loaded`: the module when it was already imported (with others, see importTogether).
 */
export async function loadDefinitionFile(file: string, cwd = process.cwd(), loaded?: unknown): Promise<LoadedDefinition> {
  const { absolutePath, source } = await checkDefinitionFile(file, cwd);
  return definitionOf(loaded ?? (await importModule(absolutePath, source, 'definition')), source, absolutePath);
}

/** A definition file that exists, is readable and is a module: its absolute path and display path; else a FileError. */
export async function checkDefinitionFile(file: string, cwd = process.cwd()): Promise<{ absolutePath: string; source: string }> {
  const absolutePath = resolve(cwd, file);
  const source = displayPath(absolutePath, cwd);
  try {
    const s = await stat(absolutePath);
    if (!s.isFile()) throw new FileError(source, 'is not a file', 'pass a .ts file that exports a definition');
    await access(absolutePath, constants.R_OK);
  } catch (err) {
    if (err instanceof FileError) throw err;
    const code = valueAt(err, 'code');
    if (code === 'ENOENT') throw new FileError(source, 'file not found', 'check the path; definitions are .ts files such as examples/ntlm-8002.ts');
    throw new FileError(source, `cannot read file (${typeof code === 'string' ? code : messageOf(err)})`, 'check its permissions');
  }
  if (!/\.(ts|mts|js|mjs)$/.test(absolutePath)) {
    throw new FileError(source, 'is not a TypeScript or JavaScript module', 'definitions are .ts files: export default defineEvent({ … })');
  }
  return { absolutePath, source };
}

/**
 * A module's default export. A TypeScript file in a package without `"type": "module"` (what
 * `npm init` writes) is run by tsx as CommonJS: its exports arrive as the default export, marked
 * `__esModule`, with the file's own default export one level down; both shapes give the same value.
 */
export function defaultExport(mod: unknown): unknown {
  const first = isRecord(mod) ? mod['default'] : undefined;
  return isRecord(first) && first['__esModule'] === true && 'default' in first ? first['default'] : first;
}

/** A definition module's default export, validated and resolved. */
function definitionOf(mod: unknown, source: string, absolutePath: string): LoadedDefinition {
  const exported = defaultExport(mod);
  if (exported === undefined) {
    throw new FileError(source, 'has no default export', 'end the file with: export default defineEvent({ … })');
  }
  try {
    return { definition: loadDefinition(exported, source), source, absolutePath };
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(err.issues.map((i) => ({ ...i, path: `${source}: ${i.path}` })), source);
    throw err;
  }
}

/**
 * Imports a TypeScript or JavaScript module (a definition, the configuration) through tsx; a file
 * that does not compile or throws is a FileError naming its line.
 */
export async function importModule(absolutePath: string, source: string, what: string): Promise<unknown> {
  try {
    // The content digest in the URL makes a long-lived process see edits (ESM caches by URL).
    const url = `${pathToFileURL(absolutePath).href}?v=${sha256(await readFile(absolutePath)).slice(0, 16)}`;
    await loadTypeScript();
    return await import(url);
  } catch (err) {
    // esbuild (under tsx) reports "Transform failed" then "file:line:col: ERROR: reason".
    const lines = messageOf(err).split('\n').map((l) => l.trim()).filter(Boolean);
    const detail = lines.find((l) => /ERROR:/.test(l))?.replace(/^.*?:(\d+:\d+): ERROR: /, 'line $1: ') ?? lines[0] ?? String(err);
    throw new FileError(source, `cannot load ${what}: ${detail}`, 'fix the error at that line (`npx tsc --noEmit` type-checks the file)', { cause: err });
  }
}

/** From this many files on, definitions are imported together (see importTogether); fewer go one by one through tsx. */
export const TOGETHER_FROM = 8;

/**
 * Imports many TypeScript modules at once: esbuild (the compiler tsx itself runs) bundles them into
 * one ES module in memory, with `evforge` left to the code that runs, and that one module is
 * imported. Hundreds of definitions load much faster than one import each through tsx's loader
 * thread (bench/RESULTS.md, generator: generate of 400 members). Undefined when any of them does not
 * build or throws while it runs: the caller then imports each alone, which names the file and line.
 * A definition that reads `import.meta` sees the bundle's, not its file's: those are imported alone.
 * @see https://esbuild.github.io/api/#build
 */
export async function importTogether(files: readonly string[]): Promise<unknown[] | undefined> {
  if (files.length === 0) return [];
  const { build, stop } = await import('esbuild');
  const self = new URL(`../index.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url).href;
  const entry = [...files.map((f, i) => `import * as m${i} from ${JSON.stringify(f)};`), `export default [${files.map((_, i) => `m${i}`).join(', ')}];`].join('\n');
  let code: string;
  try {
    const out = await build({
      stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js', sourcefile: 'evforge-definitions.js' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      plugins: [
        {
          name: 'evforge',
          setup(b) {
            b.onResolve({ filter: /^evforge$/ }, () => ({ path: self, external: true }));
            // `import.meta` in a definition would see the bundle's: such a file is imported alone.
            b.onLoad({ filter: /\.[mc]?[jt]s$/ }, async (args) => {
              const text = await readFile(args.path, 'utf8');
              if (text.includes('import.meta')) throw new FileError(args.path, 'reads import.meta');
              return { contents: text, loader: /\.[mc]?ts$/.test(args.path) ? 'ts' : 'js' };
            });
          },
        },
      ],
    });
    code = out.outputFiles[0]?.text ?? '';
  } catch {
    return undefined;
  } finally {
    // esbuild's service process would outlive the command otherwise.
    await stop();
  }
  try {
    const mod: unknown = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
    const list = valueAt(mod, 'default');
    return Array.isArray(list) && list.length === files.length ? list : undefined;
  } catch {
    return undefined;
  }
}
