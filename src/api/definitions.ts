import { resolve } from 'node:path';
import { isResolved, loadDefinition } from '../definition/resolve.ts';
import { FileError, ValidationError, type Issue } from '../errors.ts';
import { defaultDefinitionFiles } from '../io/config.ts';
import { TOGETHER_FROM, checkDefinitionFile, displayPath, importTogether, loadDefinitionFile, type LoadedDefinition } from '../io/loader.ts';
import { loadPainless, loadViews } from './assets.ts';
import { renderOutput } from '../manifest/manifest.ts';
import type { RenderedDataset } from '../render/dataset.ts';
import { Renderer } from '../render/serialize.ts';

export { isResolved };

/**
 * A definition to work on: a file to load (`.ts`, relative to the working folder), or a definition
 * value with the file it stands for (relative to the working folder: generated headers name it, and
 * `test` finds its example events in `events/` next to it).
 */
export type DefinitionInput = string | { readonly definition: unknown; readonly source: string };

export interface Selection {
  readonly definitions: LoadedDefinition[];
  /** True when no definitions were named: the configured definitions (else examples/) are the whole truth. */
  readonly complete: boolean;
}

/**
 * Loads the named definitions, or those `evforge.config.ts` names (else every `examples/*.ts`). All
 * are loaded even when one fails, so the user sees every problem at once.
 */
export async function selectDefinitions(inputs: readonly DefinitionInput[], cwd = process.cwd()): Promise<Selection> {
  const complete = inputs.length === 0;
  const named: readonly DefinitionInput[] = complete ? await defaultDefinitionFiles(cwd) : inputs;
  const paths = named.map((input) => resolve(cwd, typeof input === 'string' ? input : input.source));
  const issues: Issue[] = [];
  const fileErrors: FileError[] = [];
  // Many files are imported together first (one esbuild bundle, see importTogether); what that could not
  // import is imported alone, 16 at a time (each import waits on tsx's loader thread).
  const together = await importFilesTogether(named, cwd);
  const loaded: (LoadedDefinition | undefined)[] = new Array(named.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < named.length; i = next++) {
      try {
        loaded[i] = await loadInput(named[i], cwd, together.get(i));
      } catch (err) {
        if (err instanceof ValidationError) issues.push(...err.issues);
        else if (err instanceof FileError) fileErrors.push(err);
        else throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, named.length) }, worker));
  const definitions = loaded.filter((d): d is LoadedDefinition => d !== undefined);
  // Reported in input order, whatever order the loads finished in.
  const order = (path: string) => paths.findIndex((p) => path.startsWith(displayPath(p, cwd)));
  issues.sort((a, b) => order(a.path) - order(b.path));
  fileErrors.sort((a, b) => order(a.path) - order(b.path));
  const [only] = fileErrors;
  if (only && fileErrors.length === 1 && issues.length === 0) throw only;
  if (fileErrors.length || issues.length) {
    throw new ValidationError([...fileErrors.map((e) => ({ code: 'E_FILE', path: e.path, message: e.message, ...(e.hint ? { hint: e.hint } : {}) })), ...issues]);
  }
  return { definitions, complete };
}

/** How many definitions selectDefinitions will load (the named ones, else the configured ones), before loading any. */
export async function definitionCount(inputs: readonly DefinitionInput[], cwd = process.cwd()): Promise<number> {
  if (inputs.length) return inputs.length;
  return (await defaultDefinitionFiles(cwd).catch(() => [])).length;
}

/** The modules of the named files imported together, by input index, when there are enough of them and all of them import; else none. */
async function importFilesTogether(inputs: readonly DefinitionInput[], cwd: string): Promise<Map<number, unknown>> {
  const files = inputs.flatMap((input, i) => (typeof input === 'string' ? [[i, input] as const] : []));
  if (files.length < TOGETHER_FROM) return new Map();
  const checked = await Promise.all(files.map(([, f]) => checkDefinitionFile(f, cwd).then((c) => c.absolutePath, () => undefined)));
  if (checked.some((c) => c === undefined)) return new Map(); // each is then loaded alone, and the bad one named
  const modules = await importTogether(checked.filter((c): c is string => c !== undefined));
  return new Map(modules ? files.map(([i], k) => [i, modules[k]] as const) : []);
}

async function loadInput(input: DefinitionInput | undefined, cwd: string, loaded?: unknown): Promise<LoadedDefinition | undefined> {
  if (input === undefined) return undefined;
  if (typeof input === 'string') return loadDefinitionFile(resolve(cwd, input), cwd, loaded);
  const absolutePath = resolve(cwd, input.source);
  const source = displayPath(absolutePath, cwd);
  return { definition: isResolved(input.definition) ? input.definition : loadDefinition(input.definition, source), source, absolutePath };
}

/** The definitions rendered in memory, one entry per data stream, exactly as `generate` would write them. */
export async function renderDefinitions(inputs: readonly DefinitionInput[], cwd = process.cwd()): Promise<RenderedDataset[]> {
  const selection = await selectDefinitions(inputs, cwd);
  return [...renderOutput(selection.definitions, new Renderer(loadViews(), loadPainless()), undefined, true).datasets];
}
