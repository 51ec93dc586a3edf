import { readTree, writeTreeAtomically } from '../io/files.ts';
import { HOUSEKEEPING_FILES, checkOutputFolder } from '../io/output-folder.ts';
import { checkLimits, type LimitProblem } from '../generate/limits.ts';
import { filesAtRef } from '../io/git.ts';
import { loadPainless, loadTemplates } from './templates.ts';
import { MANIFEST, planOutput, readManifestText, type Manifest, type ManifestReading, type OutputPlan } from '../manifest/manifest.ts';
import { ValidationError, type Issue } from '../errors.ts';
import { datasetsOf, compareTrees, type RenderedDataset } from '../render/dataset.ts';
import { RenderPool, WORKER_DATASETS, renderThreads } from './render-pool.ts';
import { Renderer } from '../render/serialize.ts';
import { displayPath } from '../io/loader.ts';
import { definitionCount, selectDefinitions, type DefinitionInput, type Selection } from './definitions.ts';

import { DEFAULT_OUT } from './defaults.ts';

export { DEFAULT_OUT };

/**
 * How the output folder differs from the plan. `stale`: a generated file whose bytes differ;
 * `missing`: not there yet; `extra`: no longer generated and listed in the folder's own manifest
 * (evforge wrote it: generate removes it); `foreign`: not generated and not listed (evforge did not
 * write it: never removed, and check fails until it is moved out).
 */
export interface OutputDiff {
  readonly stale: string[];
  readonly missing: string[];
  readonly extra: string[];
  readonly foreign: string[];
}

/**
 * A manifest that does not validate against its version's schema (hand-edited, a merge conflict
 * taken half): the output folder's, or the last commit's. What evforge does about it (docs/versioning.md):
 * `rewrite` the folder's, its histories taken from the last commit's valid one; `ignore` the last
 * commit's, the folder's valid one holding the histories; `refuse`: no valid manifest holds the
 * histories, so generate writes nothing (rewriting would lose them) and check fails.
 */
export interface ManifestProblem {
  readonly label: string;
  readonly issues: readonly Issue[];
  readonly action: 'rewrite' | 'ignore' | 'refuse';
  /** The manifest the histories are taken from instead (`rewrite`, `ignore`). */
  readonly historyFrom?: string;
}

export interface OutputState {
  readonly outDir: string;
  readonly outLabel: string;
  readonly plan: OutputPlan;
  readonly existing: ReadonlyMap<string, Buffer>;
  readonly diff: OutputDiff;
  /** Engine limits (at their defaults) a data stream's objects would go over: generate writes nothing while there are any. */
  readonly limitProblems: readonly LimitProblem[];
  /** Manifests that could not be read (a `refuse` one stops generate; check fails on the folder's). */
  readonly manifestProblems: readonly ManifestProblem[];
}

/** Every path a manifest lists (read from any version): what evforge wrote into its folder. */
function listedPaths(manifest: Manifest | undefined): Set<string> {
  return new Set(Object.values(manifest?.datasets ?? {}).flatMap((b) => b.files.map((f) => f.path)));
}

/** A manifest's bytes read (validated against its version's schema, upgraded); undefined when there is none. One newer than this evforge stops everything. */
function readManifestAt(bytes: Buffer | undefined, label: string, datasetOf: (event: string) => string | undefined): ManifestReading | undefined {
  if (!bytes) return undefined;
  const read = readManifestText(bytes.toString('utf8'), { label, datasetOf });
  if (!read.ok && read.reason === 'newer') throw new ValidationError(read.issues, `${label} cannot be read`);
  return read;
}

/**
 * The output folder as the definitions say it should be, next to what is on disk. The folder is
 * evforge's: in a full run every other file in it is extra; with named files, only those events'
 * folders are looked at.
 */
export async function computeOutput(files: readonly DefinitionInput[], out: string, cwd = process.cwd(), options: { takeOver?: boolean; home?: string; flag?: string } = {}): Promise<OutputState> {
  // Before anything is loaded or written: a folder evforge must not own is refused (a UsageError).
  const folder = checkOutputFolder(out, cwd, { ...(options.home !== undefined ? { home: options.home } : {}), ...(options.flag !== undefined ? { flag: options.flag } : {}) });
  const setup = { templates: loadTemplates(), painless: loadPainless(), options: {} };
  // Started first: the threads load evforge's code while this one loads the definitions.
  const pool = new RenderPool(setup, (await definitionCount(files, cwd)) < WORKER_DATASETS ? 0 : renderThreads());
  const renderer = new Renderer(setup.templates, setup.painless);
  const { selection, grouped, rendered } = await loadAndRender(files, cwd, renderer, pool).finally(() => pool.close());
  const outDir = folder.dir;
  const existing = folder.exists ? await readTree(outDir, displayPath(outDir, cwd)) : new Map<string, Buffer>();
  const datasets = new Map(selection.definitions.map((d) => [d.definition.name, d.definition.dataset]));
  const datasetOf = (event: string) => datasets.get(event);
  const folderLabel = `${displayPath(outDir, cwd)}/${MANIFEST}`;
  const inFolder = readManifestAt(existing.get(MANIFEST), folderLabel, datasetOf);
  const previous = inFolder?.ok ? inFolder.manifest : undefined;
  // Versions are checked against the last commit when the folder is tracked by git (so a version
  // bumped once can be regenerated while you work), else against the folder as it is.
  const committed = await filesAtRef(cwd, 'HEAD', out).catch(() => undefined);
  // Decoded only where the classifier needs a file: most are never read, which keeps the memory of a large mappings folder flat (bench/RESULTS.md, memory).
  const previousFiles = committed ?? { get: (path: string) => existing.get(path)?.toString('utf8') };
  const committedText = committed?.get(MANIFEST);
  const commitLabel = `HEAD:${out.replace(/\/+$/, '')}/${MANIFEST}`;
  const inCommit = committedText === undefined ? undefined : readManifestAt(Buffer.from(committedText), commitLabel, datasetOf);
  // The histories: the last commit's manifest; the folder's when the commit's is broken (or the folder is not tracked).
  const previousManifest = inCommit?.ok ? inCommit.manifest : committed && !inCommit ? undefined : previous;
  const manifestProblems: ManifestProblem[] = [];
  if (inFolder && !inFolder.ok) manifestProblems.push(previousManifest ? { label: folderLabel, issues: inFolder.issues, action: 'rewrite', historyFrom: commitLabel } : { label: folderLabel, issues: inFolder.issues, action: 'refuse' });
  if (inCommit && !inCommit.ok) manifestProblems.push(previous ? { label: commitLabel, issues: inCommit.issues, action: 'ignore', historyFrom: folderLabel } : { label: commitLabel, issues: inCommit.issues, action: 'refuse' });
  const plan = planOutput(grouped.sources, rendered, renderer, { manifest: previousManifest, files: previousFiles }, selection.complete, { takeOver: options.takeOver ?? false });
  const datasetDirs = plan.datasets.map((b) => `${b.dataset.name}/`);
  const scope = selection.complete ? () => true : (p: string) => datasetDirs.some((d) => p.startsWith(d));
  const { stale, missing, extra } = compareTrees(plan.files, existing, scope);
  // Only what the folder's own manifest lists is evforge's to remove (not the last commit's).
  const listed = listedPaths(previous);
  const foreign = extra.filter((p) => !listed.has(p) && !HOUSEKEEPING_FILES.has(p.slice(p.lastIndexOf('/') + 1)));
  const diff = { stale, missing, extra: extra.filter((p) => listed.has(p)), foreign };
  const limitProblems = plan.datasets.flatMap((b) => b.limits.flatMap((m) => checkLimits(m)));
  return { outDir, outLabel: displayPath(outDir, cwd), plan, existing, diff, limitProblems, manifestProblems };
}

/** The definitions loaded, grouped into datasets, and each dataset rendered (see RenderPool). */
async function loadAndRender(files: readonly DefinitionInput[], cwd: string, renderer: Renderer, pool: RenderPool): Promise<{ selection: Selection; grouped: ReturnType<typeof datasetsOf>; rendered: RenderedDataset[] }> {
  const selection = await selectDefinitions(files, cwd);
  const grouped = datasetsOf(selection.definitions);
  return { selection, grouped, rendered: await pool.render(grouped.datasets, grouped.sources, renderer) };
}

export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: number;
  readonly removed: readonly string[];
}

/**
 * Writes what `state` found stale or missing and removes what it found extra, i.e. listed in the
 * folder's own manifest and no longer generated (all or nothing: see writeTreeAtomically). Files
 * evforge did not write (`foreign`) are never touched. The caller checks `state.plan`'s version and
 * ownership problems first: `generate` writes nothing while there are any.
 */
export async function writeOutput(state: OutputState): Promise<WriteResult> {
  const { stale, missing, extra } = state.diff;
  const write = new Map<string, string>();
  for (const p of [...stale, ...missing]) {
    const content = state.plan.files.get(p);
    if (content !== undefined) write.set(p, content);
  }
  await writeTreeAtomically(state.outDir, write, extra);
  return { written: [...write.keys()], unchanged: state.plan.files.size - write.size, removed: extra };
}

/** Whether a broken manifest stops generate: no valid manifest holds its histories (see ManifestProblem). */
export const manifestRefused = (state: OutputState): boolean => state.manifestProblems.some((p) => p.action === 'refuse');

/** The library's `generate`: the output folder planned, and written unless a manifest, version, ownership or limit problem stops it. */
export async function generate(options: { definitions?: readonly DefinitionInput[]; out?: string; cwd?: string; takeOver?: boolean } = {}): Promise<{ state: OutputState; written?: WriteResult }> {
  const state = await computeOutput(options.definitions ?? [], options.out ?? DEFAULT_OUT, options.cwd, { takeOver: options.takeOver ?? false });
  if (manifestRefused(state) || state.plan.ownershipProblems.length || state.plan.versionProblems.length || state.limitProblems.length) return { state };
  return { state, written: await writeOutput(state) };
}

/** The library's `check`: whether the output folder is exactly what the definitions generate. */
export async function check(options: { definitions?: readonly DefinitionInput[]; out?: string; cwd?: string } = {}): Promise<{ state: OutputState; upToDate: boolean }> {
  const state = await computeOutput(options.definitions ?? [], options.out ?? DEFAULT_OUT, options.cwd);
  const { stale, missing, extra, foreign } = state.diff;
  const brokenHere = state.manifestProblems.some((p) => p.action !== 'ignore');
  const upToDate = stale.length + missing.length + extra.length + foreign.length === 0 && !brokenHere && !state.plan.versionProblems.length && !state.plan.ownershipProblems.length && !state.limitProblems.length;
  return { state, upToDate };
}
