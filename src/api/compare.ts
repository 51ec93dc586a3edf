import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FileError, ValidationError } from '../errors.ts';
import { readTree } from '../io/files.ts';
import { filesAtRef } from '../io/git.ts';
import { loadPainless, loadViews } from './assets.ts';
import { bumpOf, classifyStates, requiredBump, type Bump, type GeneratedState, type SchemaChange } from '../plan/classify.ts';
import { MANIFEST, SHARED_KINDS, identity, readManifestText, renderOutput } from '../manifest/manifest.ts';
import type { ArtifactKind } from '../generate/index.ts';
import type { Engine } from '../terms.ts';
import { Renderer } from '../render/serialize.ts';
import { selectDefinitions, type DefinitionInput } from './definitions.ts';
import { DEFAULT_OUT } from './mappings.ts';

export interface CompareOptions {
  /** Git ref (HEAD~1, main, v1.2.0) or folder to compare with. */
  readonly base: string;
  /** Definition files or values; default those evforge.config.ts names, else every examples/*.ts. */
  readonly definitions?: readonly DefinitionInput[];
  /** Name of the generated folder in the base; default mappings. */
  readonly out?: string;
  readonly cwd?: string;
}

/** One event's (or data stream's) changes from the base to the working tree, and the bump they need. */
export interface ComparedEvent {
  readonly event: string;
  readonly from: string | null;
  readonly to: string | null;
  /** The bump the changes need; null when none, and for a new or removed definition (no version to bump). */
  readonly needed: Bump | null;
  readonly bumped: ReturnType<typeof bumpOf> | null;
  readonly changes: readonly SchemaChange[];
}

export interface CompareResult {
  readonly base: string;
  readonly events: readonly ComparedEvent[];
  /** Every change, each once (data streams' shared changes are not repeated per member). */
  readonly changes: readonly SchemaChange[];
}

/**
 * A generated folder as the classifier reads it: files keyed by kind, engine and name (a data
 * stream's folder may move), each attributed to its definition (rules) or to its data stream
 * (`logs-<dataset>-*`: pipeline, templates, docs).
 */
function stateOf(files: ReadonlyMap<string, string>, label: string, datasetOf: (event: string) => string | undefined): { state: GeneratedState; members: Map<string, string[]>; hashes: Map<string, string> } {
  const text = files.get(MANIFEST);
  if (!text) throw new FileError(label, 'has no manifest.json', 'point --base at a generated mappings folder, or a git ref where mappings/ was committed');
  // Validated against its version's schema and upgraded: a newer one (upgrade evforge) or a broken one is refused, located.
  const read = readManifestText(text, { label: `${label}/${MANIFEST}`, datasetOf, fix: 'compare with a commit or folder holding a manifest evforge wrote (the base is only read)' });
  if (!read.ok) throw new ValidationError(read.issues, `${label}/${MANIFEST} cannot be read`);
  const manifest = read.manifest;
  const index = new Map<string, { event: string; kind: ArtifactKind; engine: Engine | 'any'; name: string }>();
  const contents = new Map<string, string>();
  const versions = new Map<string, string>();
  const members = new Map<string, string[]>();
  const hashes = new Map<string, string>();
  for (const [event, e] of Object.entries(manifest.events)) {
    versions.set(event, e.schema_version);
    hashes.set(event, e.definition_hash);
  }
  for (const [dataset, b] of Object.entries(manifest.datasets)) {
    members.set(streamLabel(dataset), b.members);
    for (const f of b.files) {
      const [only, ...more] = f.owners;
      const owner = SHARED_KINDS.has(f.kind) || only === undefined || more.length > 0 ? streamLabel(dataset) : only;
      // Keyed by owner too: two data streams each have a `fields` doc, which must not be compared with each other.
      const key = `${owner}|${identity(f)}`;
      const content = files.get(f.path);
      if (content === undefined) continue;
      contents.set(key, content);
      index.set(key, { event: owner, kind: f.kind, engine: f.engine, name: f.name });
    }
  }
  return { state: { files: contents, index, versions }, members, hashes };
}

const streamLabel = (dataset: string) => `data stream logs-${dataset}-*`;

/** The base state: a folder (a mappings folder, or a project holding one) or a git ref's mappings/. */
async function baseFiles(base: string, out: string, cwd: string): Promise<{ files: Map<string, string>; label: string }> {
  const dir = resolve(cwd, base);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (isDir) {
    for (const candidate of [dir, join(dir, out)]) {
      // Only a folder holding a manifest is read: a project folder is not walked (nor its links followed).
      if (!(await stat(join(candidate, MANIFEST)).then((s) => s.isFile(), () => false))) continue;
      const tree = await readTree(candidate);
      if (tree.has(MANIFEST)) return { files: new Map([...tree].map(([p, b]) => [p, b.toString('utf8')])), label: candidate };
    }
    throw new FileError(base, `holds no generated ${out}/ (no manifest.json)`, 'pass a mappings folder, a project folder, or a git ref');
  }
  const files = await filesAtRef(cwd, base, out);
  if (!files) throw new FileError(`${base}:${out}`, `no ${out}/ was committed at ${base}`, 'pick a commit where mappings/ exists');
  return { files, label: `${base}:${out}` };
}

/** Classifies what changed between a base (git ref or folder) and what the working tree's definitions generate (`evforge compare`). */
export async function compare(options: CompareOptions): Promise<CompareResult> {
  const cwd = options.cwd ?? process.cwd();
  const out = options.out ?? DEFAULT_OUT;
  const base = await baseFiles(options.base, out, cwd);
  const selection = await selectDefinitions(options.definitions ?? [], cwd);
  const after = renderOutput(selection.definitions, new Renderer(loadViews(), loadPainless()), undefined, true);
  const datasets = new Map(selection.definitions.map((d) => [d.definition.name, d.definition.dataset]));
  const datasetOf = (e: string) => datasets.get(e);
  const before = stateOf(base.files, base.label, datasetOf);
  const afterState = stateOf(after.files, 'working tree', datasetOf);
  const beforeState = before.state;
  // Events joining or leaving a data stream are changes of that data stream.
  const membership: SchemaChange[] = [];
  for (const stream of [...new Set([...before.members.keys(), ...afterState.members.keys()])].sort()) {
    const was = before.members.get(stream) ?? [];
    const is = afterState.members.get(stream) ?? [];
    for (const e of is.filter((x) => !was.includes(x))) membership.push({ severity: 'compatible', event: stream, engine: 'any', area: 'event', path: e, summary: 'event added to the data stream' });
    for (const e of was.filter((x) => !is.includes(x))) membership.push({ severity: 'breaking', event: stream, engine: 'any', area: 'event', path: e, summary: 'event removed from the data stream', why: 'its fields leave the mapping (new data needs a rollover) and its events are no longer normalized or detected' });
  }
  const classified = classifyStates(beforeState, afterState.state).filter((c) => !(c.area === 'event' && c.event.startsWith('data stream ')));
  // An event's own "new event" / "event removed" is its membership change seen from the event: counted once.
  const joinedOrLeft = new Set(membership.map((c) => c.path));
  const changes: SchemaChange[] = [...membership, ...classified.filter((c) => !(c.area === 'event' && joinedOrLeft.has(c.event)))];
  const groups = [...new Set([...beforeState.versions.keys(), ...afterState.state.versions.keys(), ...before.members.keys(), ...afterState.members.keys()])].sort();
  // A data stream's shared changes also count for the members whose definitions changed (for all of
  // them when none did and the members are the same, e.g. a new evforge): they need the bump.
  const charged = new Map<string, SchemaChange[]>();
  for (const [stream, members] of afterState.members) {
    const was = before.members.get(stream) ?? [];
    const changedDefs = members.filter((m) => before.hashes.has(m) && before.hashes.get(m) !== afterState.hashes.get(m));
    const same = was.length === members.length && was.every((m) => members.includes(m));
    const who = changedDefs.length ? changedDefs : same ? members : [];
    const shared = classified.filter((c) => c.event === stream);
    for (const m of who) charged.set(m, shared.map((c) => ({ ...c, event: m })));
  }
  const events: ComparedEvent[] = groups.map((event) => {
    const own = [...membership.filter((c) => c.event === event), ...classified.filter((c) => c.event === event), ...(charged.get(event) ?? [])];
    const from = beforeState.versions.get(event);
    const to = afterState.state.versions.get(event);
    // A new definition starts at its own version and a removed one has none: neither has a version to bump.
    const needed = event.startsWith('data stream ') || !from || !to ? null : (requiredBump(own) ?? null);
    return { event, from: from ?? null, to: to ?? null, needed, bumped: from && to ? bumpOf(from, to) : null, changes: own };
  });
  return { base: options.base, events, changes };
}
