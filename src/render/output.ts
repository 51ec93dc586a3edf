import type { EventDefinition } from '../definition/model.ts';
import { ValidationError, type Issue } from '../errors.ts';
import { generateArtifacts, type AnyArtifact, type ArtifactKind, type GenerateOptions } from '../generate/index.ts';
import type { Target } from '../generate/engines.ts';
import { objectNames } from '../generate/naming.ts';
import { sha256, stableJson } from './json.ts';
import type { Renderer } from './serialize.ts';
import { bumpOf, bumpSuffices, bumped, classifyStates, requiredBump, type Bump, type GeneratedState, type SchemaChange } from '../plan/classify.ts';

export const MANIFEST = 'manifest.json';
export const CHANGELOG = 'CHANGELOG.md';

/** One schema version of one event, and what changed to reach it. */
export interface HistoryEntry {
  version: string;
  initial?: true;
  changes: Omit<SchemaChange, 'event'>[];
}

export interface ManifestFile {
  path: string;
  kind: ArtifactKind;
  target: Target | 'any';
  name: string;
  sha256: string;
}

export interface ManifestEvent {
  definition: string;
  schema_version: string;
  definition_hash: string;
  files: ManifestFile[];
  /** Newest first; the changelog is rendered from it. */
  history: HistoryEntry[];
}

/** `mappings/manifest.json`: every generated file with its kind, engine and digest, per event. */
export interface Manifest {
  generated_by: 'evforge';
  manifest_version: 1;
  events: Record<string, ManifestEvent>;
}

export interface DefinitionSource {
  readonly definition: EventDefinition;
  readonly source: string;
}

export interface RenderedEvent {
  readonly definition: EventDefinition;
  readonly source: string;
  readonly artifacts: readonly AnyArtifact[];
  /** path → file content */
  readonly files: ReadonlyMap<string, string>;
  readonly manifest: ManifestEvent;
}

/** Two definitions must not write the same folder or the same data stream. */
export function checkDefinitionSet(defs: readonly DefinitionSource[]): Issue[] {
  const issues: Issue[] = [];
  const byName = new Map<string, string>();
  const byDataset = new Map<string, string>();
  for (const { definition: d, source } of defs) {
    const other = byName.get(d.name);
    if (other) issues.push({ code: 'E_EVENT_DUPLICATE', path: `${source}: name`, message: `event name "${d.name}" is also used by ${other}`, hint: 'each definition needs its own name (it is its output folder)' });
    byName.set(d.name, source);
    const ds = byDataset.get(d.dataset);
    if (ds) issues.push({ code: 'E_DATASET_DUPLICATE', path: `${source}: dataset`, message: `dataset "${d.dataset}" (data stream ${objectNames(d).indexPattern}) is also used by ${ds}`, hint: 'give each event its own dataset, e.g. "windows.ntlm_8003"' });
    byDataset.set(d.dataset, source);
  }
  return issues;
}

/** Renders one definition's artifacts to file contents, each checked by the renderer. */
export function renderEvent(src: DefinitionSource, renderer: Renderer, options: GenerateOptions = {}): RenderedEvent {
  const artifacts = generateArtifacts(src.definition, options);
  const files = new Map<string, string>();
  const manifestFiles: ManifestFile[] = [];
  for (const a of artifacts) {
    const content = renderer.render(a, { source: src.source });
    files.set(a.path, content);
    manifestFiles.push({ path: a.path, kind: a.kind, target: a.target, name: a.name, sha256: sha256(content) });
  }
  manifestFiles.sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    definition: src.definition,
    source: src.source,
    artifacts,
    files,
    manifest: { definition: src.source, schema_version: src.definition.schemaVersion, definition_hash: src.definition.hash, files: manifestFiles, history: [] },
  };
}

/** Generated artifacts changed without the schema version saying so (or saying too little). */
export interface VersionProblem {
  readonly event: string;
  readonly source: string;
  readonly from: string;
  readonly to: string;
  readonly needed: Bump;
  readonly changes: readonly SchemaChange[];
}

export interface OutputPlan {
  /** Every file the output folder should hold for these events, manifest and changelog included. */
  readonly files: ReadonlyMap<string, string>;
  readonly events: readonly RenderedEvent[];
  readonly manifest: Manifest;
  readonly versionProblems: readonly VersionProblem[];
}

/** The previous generated state: the output folder as it is on disk. */
export interface PreviousOutput {
  readonly manifest: Manifest | undefined;
  readonly files: ReadonlyMap<string, string>;
}

/**
 * The previous content of an event's files, as far as it can be trusted: a file missing on disk or
 * not matching its manifest digest (deleted, hand-edited) counts as unchanged, so repairing the
 * folder never demands a version bump.
 */
function trustedFiles(entry: ManifestEvent, disk: ReadonlyMap<string, string>, fresh: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of entry.files) {
    const have = disk.get(f.path);
    if (have !== undefined && sha256(have) === f.sha256) out.set(f.path, have);
    else if (fresh.has(f.path)) out.set(f.path, fresh.get(f.path)!);
  }
  return out;
}

/** A generated state restricted to one event, in the shape the classifier reads. */
function stateOf(manifest: Manifest | undefined, files: ReadonlyMap<string, string>, event: string): GeneratedState {
  const entry = manifest?.events[event];
  const index = new Map((entry?.files ?? []).map((f) => [f.path, { event, kind: f.kind, target: f.target, name: f.name }] as const));
  return { files, index, versions: new Map(entry ? [[event, entry.schema_version]] : []) };
}

/**
 * The whole output folder as it should be. With `complete`, the definitions are all there is, so
 * events missing from them leave the manifest; otherwise other events' entries are kept from
 * `previous`. Each event's schema version is checked against what changed since `previous`: the
 * history (and CHANGELOG.md) gains an entry when the version moves.
 */
export function renderOutput(defs: readonly DefinitionSource[], renderer: Renderer, previous: PreviousOutput | undefined, complete: boolean, options: GenerateOptions = {}): OutputPlan {
  const issues = checkDefinitionSet(defs);
  if (issues.length) throw new ValidationError(issues);
  const events = defs.map((d) => renderEvent(d, renderer, options));
  const old = previous?.manifest;
  const manifestEvents: Record<string, ManifestEvent> = complete ? {} : { ...(old?.events ?? {}) };
  const versionProblems: VersionProblem[] = [];
  for (const e of events) {
    const name = e.definition.name;
    const before = old?.events[name];
    const to = e.definition.schemaVersion;
    let history: HistoryEntry[];
    if (!before) {
      history = [{ version: to, initial: true, changes: [] }];
    } else {
      const prior = before.history?.length ? before.history : [{ version: before.schema_version, initial: true as const, changes: [] }];
      // Same digests as before: nothing to classify (the common case, and the costly one to parse).
      const same = before.files.length === e.manifest.files.length && before.files.every((f, i) => f.path === e.manifest.files[i]!.path && f.sha256 === e.manifest.files[i]!.sha256);
      const newState = stateOf({ generated_by: 'evforge', manifest_version: 1, events: { [name]: e.manifest } }, e.files, name);
      const changes = same ? [] : classifyStates(stateOf(old, trustedFiles(before, previous!.files, e.files), name), newState);
      const needed = requiredBump(changes);
      const from = before.schema_version;
      if (bumpOf(from, to) === 'same') {
        if (needed) versionProblems.push({ event: name, source: e.source, from, to, needed, changes });
        history = prior;
      } else {
        if (!bumpSuffices(from, to, needed)) versionProblems.push({ event: name, source: e.source, from, to, needed: needed ?? 'patch', changes });
        history = [{ version: to, changes: changes.map(({ event: _e, ...c }) => c) }, ...prior.filter((h) => h.version !== to)];
      }
    }
    manifestEvents[name] = { ...e.manifest, history };
  }
  const manifest: Manifest = { generated_by: 'evforge', manifest_version: 1, events: manifestEvents };
  const files = new Map<string, string>();
  for (const e of events) for (const [p, c] of e.files) files.set(p, c);
  files.set(MANIFEST, stableJson(manifest));
  files.set(CHANGELOG, renderer.renderChangelog(manifest));
  return { files, events, manifest, versionProblems };
}

/** The version a problem asks for, e.g. `1.0.0 → 2.0.0`. */
export function suggestedVersion(p: VersionProblem): string {
  return bumped(p.from, p.needed);
}

/** Paths `files` should hold but `existing` lacks, holds differently, or holds in excess. */
export function compareTrees(
  expected: ReadonlyMap<string, string>,
  existing: ReadonlyMap<string, Buffer>,
  scope: (path: string) => boolean,
): { stale: string[]; missing: string[]; extra: string[] } {
  const stale: string[] = [];
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [path, content] of expected) {
    const have = existing.get(path);
    if (!have) missing.push(path);
    else if (!have.equals(Buffer.from(content, 'utf8'))) stale.push(path);
  }
  for (const path of existing.keys()) if (!expected.has(path) && scope(path)) extra.push(path);
  return { stale: stale.sort(), missing: missing.sort(), extra: extra.sort() };
}
