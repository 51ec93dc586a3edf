import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FileError } from '../errors.ts';
import { messageOf, valueAt } from '../guards.ts';
import { writeTreeAtomically } from '../io/files.ts';
import { displayPath } from '../io/loader.ts';
import { planImport, type ExistingFile, type ImportPlan } from '../import/index.ts';
import { DEFAULT_DEFINITIONS_DIR } from './defaults.ts';

export type { ImportedDefinition, ImportPlan } from '../import/index.ts';
export type { DefinitionChange } from '../import/merge.ts';

export interface ImportOptions {
  /** Provider descriptions: instrumentation manifests (.man) or WEPExplorer dumps, relative to `cwd`. */
  readonly files: readonly string[];
  /** The definitions folder to write into (and merge with); default `examples`. */
  readonly out?: string;
  /** The dataset of every imported definition; default `windows.<channel>`. */
  readonly dataset?: string;
  /** Event ids to import; default all. */
  readonly events?: readonly number[] | 'all';
  /** The channel of events the source gives none; without it they are skipped (see `notes`). */
  readonly channel?: string;
  readonly cwd?: string;
}

export interface ImportResult extends ImportPlan {
  readonly outDir: string;
  readonly outLabel: string;
  /** Files written, relative to the output folder. */
  readonly written: readonly string[];
}

async function readSource(path: string, cwd: string): Promise<{ path: string; bytes: Uint8Array }> {
  const label = displayPath(resolve(cwd, path), cwd);
  try {
    return { path: label, bytes: await readFile(resolve(cwd, path)) };
  } catch (err) {
    const code = valueAt(err, 'code');
    if (code === 'ENOENT') throw new FileError(label, 'file not found', 'give the path of a provider description: an instrumentation manifest (.man) or a WEPExplorer dump');
    throw new FileError(label, `cannot read file (${typeof code === 'string' ? code : messageOf(err)})`, 'check its permissions');
  }
}

/** The definition files (`*.ts`) directly in the output folder; none when it does not exist. */
async function readExisting(outDir: string, label: string): Promise<ExistingFile[]> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch (err) {
    if (valueAt(err, 'code') === 'ENOENT') return [];
    throw new FileError(label, `cannot list the output folder: ${messageOf(err)}`, 'check the path and its permissions');
  }
  const files = names.filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts')).sort();
  return Promise.all(files.map(async (n) => ({ path: n, text: await readFile(join(outDir, n), 'utf8') })));
}

/**
 * What `evforge import` does: reads the provider descriptions, plans one definition per provider +
 * event id (merged into the file that already defines it), and writes what changed. Every source is
 * read and checked before anything is written: bad input throws a located ValidationError (or a
 * FileError for a file that cannot be read) and nothing is written.
 */
export async function importEvents(options: ImportOptions): Promise<ImportResult> {
  const cwd = options.cwd ?? process.cwd();
  const outDir = resolve(cwd, options.out ?? DEFAULT_DEFINITIONS_DIR);
  const outLabel = displayPath(outDir, cwd);
  const sources = await Promise.all(options.files.map((f) => readSource(f, cwd)));
  const existing = await readExisting(outDir, outLabel);
  const plan = await planImport(sources, existing, {
    outLabel,
    ...(options.dataset !== undefined ? { dataset: options.dataset } : {}),
    ...(options.events !== undefined ? { events: options.events } : {}),
    ...(options.channel !== undefined ? { channel: options.channel } : {}),
  });
  if (plan.files.size) await writeTreeAtomically(outDir, plan.files);
  return { ...plan, outDir, outLabel, written: [...plan.files.keys()] };
}
