import { resolve } from 'node:path';
import { readTree } from '../io/files.ts';
import { filesAtRef } from '../io/git.ts';
import { loadPainless, loadTemplates } from '../io/templates.ts';
import { MANIFEST, readManifest, renderOutput, type Manifest, type OutputPlan } from '../manifest/manifest.ts';
import { compareTrees } from '../render/bundle.ts';
import { Renderer } from '../render/serialize.ts';
import { displayPath } from '../io/loader.ts';
import { selectDefinitions } from '../api/definitions.ts';

export const DEFAULT_OUT = 'mappings';

export interface OutputState {
  readonly outDir: string;
  readonly outLabel: string;
  readonly plan: OutputPlan;
  readonly existing: ReadonlyMap<string, Buffer>;
  readonly diff: { stale: string[]; missing: string[]; extra: string[] };
}

function parseManifest(bytes: Buffer | undefined, datasetOf: (event: string) => string | undefined): Manifest | undefined {
  if (!bytes) return undefined;
  try {
    return readManifest(JSON.parse(bytes.toString('utf8')), datasetOf);
  } catch {
    return undefined; // generated file: a broken one is simply rewritten
  }
}

/**
 * The output folder as the definitions say it should be, next to what is on disk. The folder is
 * evforge's: in a full run every other file in it is extra; with named files, only those events'
 * folders are looked at.
 */
export async function computeOutput(files: readonly string[], out: string, cwd = process.cwd(), options: { takeOver?: boolean } = {}): Promise<OutputState> {
  const selection = await selectDefinitions(files, cwd);
  const outDir = resolve(cwd, out);
  const existing = await readTree(outDir);
  const datasets = new Map(selection.definitions.map((d) => [d.definition.name, d.definition.dataset]));
  const datasetOf = (event: string) => datasets.get(event);
  const previous = parseManifest(existing.get(MANIFEST), datasetOf);
  // Versions are checked against the last commit when the folder is tracked by git (so a version
  // bumped once can be regenerated while you work), else against the folder as it is.
  const committed = await filesAtRef(cwd, 'HEAD', out).catch(() => undefined);
  const previousFiles = committed ?? new Map([...existing].map(([p, b]) => [p, b.toString('utf8')]));
  const previousManifest = committed ? parseManifest(Buffer.from(committed.get(MANIFEST) ?? ''), datasetOf) : previous;
  const plan = renderOutput(selection.definitions, new Renderer(loadTemplates(), loadPainless()), { manifest: previousManifest, files: previousFiles }, selection.complete, { takeOver: options.takeOver ?? false });
  const bundleDirs = plan.bundles.map((b) => `${b.bundle.dataset}/`);
  const scope = selection.complete ? () => true : (p: string) => bundleDirs.some((d) => p.startsWith(d));
  return { outDir, outLabel: displayPath(outDir, cwd), plan, existing, diff: compareTrees(plan.files, existing, scope) };
}
