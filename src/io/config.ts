import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CONFIG_FILES } from '../config.ts';
import { FileError, ValidationError, type Issue } from '../errors.ts';
import { isRecord } from '../guards.ts';
import { defaultExport, displayPath, findDefinitionFiles, importModule } from './loader.ts';

/** Where a project without a configuration keeps its definitions: this repository's samples. */
export const DEFAULT_DEFINITIONS_DIR = 'examples';

const EXAMPLE = "export default defineConfig({ definitions: ['definitions'] })";
const KEYS: readonly string[] = ['definitions'];

const kindOf = (path: string) =>
  stat(path).then(
    (s) => (s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other'),
    () => 'missing' as const,
  );

/** The configuration file in `cwd`, if any (refused when two are there: which one counts would be a guess). */
export async function findConfig(cwd: string): Promise<string | undefined> {
  const found: string[] = [];
  for (const name of CONFIG_FILES) if ((await kindOf(join(cwd, name))) === 'file') found.push(name);
  const [first, ...more] = found;
  if (first !== undefined && more.length > 0) throw new FileError(first, `is not the only configuration here (${found.join(', ')})`, `keep one of them: ${CONFIG_FILES[0]} is the usual one`);
  return first === undefined ? undefined : join(cwd, first);
}

/**
 * The definition files commands read when none are named: those the configuration names, else every
 * `examples/*.ts` (this repository's samples), else an error saying what configuration to write.
 */
export async function defaultDefinitionFiles(cwd: string): Promise<string[]> {
  const config = await findConfig(cwd);
  if (config !== undefined) return configuredDefinitionFiles(config, cwd);
  const examples = resolve(cwd, DEFAULT_DEFINITIONS_DIR);
  if ((await kindOf(examples)) === 'folder') return findDefinitionFiles(examples);
  throw new FileError(
    CONFIG_FILES[0],
    `not found in ${cwd}, and no definition files were named`,
    `write ${CONFIG_FILES[0]} saying where your definitions live (import { defineConfig } from 'evforge'; ${EXAMPLE}), or name them: npx evforge generate path/to/event.ts`,
  );
}

/** Loads a configuration file and lists the definition files it names, sorted, each once. */
export async function configuredDefinitionFiles(configPath: string, cwd: string): Promise<string[]> {
  const source = displayPath(configPath, cwd);
  const mod = await importModule(configPath, source, 'configuration');
  const config = defaultExport(mod);
  if (config === undefined) throw new FileError(source, 'has no default export', `end the file with: ${EXAMPLE}`);
  const issues: Issue[] = [];
  const issue = (path: string, message: string, hint: string) => issues.push({ code: 'E_CONFIG', path: `${source}: ${path}`, message, hint });
  if (!isRecord(config)) {
    issue('(default export)', `the configuration must be an object, got ${Array.isArray(config) ? 'an array' : typeof config}`, EXAMPLE);
    throw new ValidationError(issues);
  }
  for (const key of Object.keys(config)) {
    if (!KEYS.includes(key)) issue(key, `unknown key "${key}"`, `the keys are: ${KEYS.join(', ')}`);
  }
  const raw = config['definitions'];
  const entries = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined;
  const where = `folders or files, relative to ${source}: ${EXAMPLE}`;
  if (entries === undefined) issue('definitions', raw === undefined ? 'definitions is required' : `definitions must be a path or a list of paths, got ${typeof raw}`, where);
  else if (entries.length === 0) issue('definitions', 'definitions must name at least one folder or file', where);
  const base = resolve(configPath, '..');
  const files = new Set<string>();
  for (const [i, entry] of (entries ?? []).entries()) {
    const at = typeof raw === 'string' ? 'definitions' : `definitions[${i}]`;
    if (typeof entry !== 'string' || entry.trim() === '') {
      issue(at, `expected a folder or file path, got ${JSON.stringify(entry)}`, where);
      continue;
    }
    const path = resolve(base, entry);
    const kind = await kindOf(path);
    if (kind === 'folder') {
      try {
        for (const f of await findDefinitionFiles(path)) files.add(f);
      } catch (err) {
        if (!(err instanceof FileError)) throw err;
        issue(at, `"${entry}": ${err.message}`, `write one there (docs/definitions.md), or fix the path (relative to ${source})`);
      }
    } else if (kind === 'file') files.add(path);
    else issue(at, `"${entry}" ${kind === 'missing' ? 'does not exist' : 'is neither a folder nor a file'}${displayPath(path, cwd) === entry ? '' : ` (${displayPath(path, cwd)})`}`, `create it, or fix the path (relative to ${source})`);
  }
  if (issues.length) throw new ValidationError(issues);
  return [...files].sort();
}
