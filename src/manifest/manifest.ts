import type { Engine } from '../terms.ts';
import { datasetFields } from '../generate/fields.ts';
import type { ArtifactKind, GenerateOptions } from '../generate/index.ts';
import { objectNames } from '../generate/naming.ts';
import { stableJson, sha256 } from '../json.ts';
import { bumpOf, bumpSuffices, bumped, classifyStates, requiredBump, type Bump, type GeneratedState, type SchemaChange } from '../plan/classify.ts';
import { datasetsOf, renderDataset, type DefinitionSource, type RenderedDataset } from '../render/dataset.ts';
import type { Renderer } from '../render/serialize.ts';
import type { DatasetHistoryEntry, HistoryEntry, ManifestChange, ManifestDataset, ManifestEvent, ManifestFile, ManifestV3 } from './v3.ts';

/**
 * The manifest and the version policy: what `mappings/manifest.json` records of each data stream and
 * definition, how a schema version must move for what changed, and each history entry. The
 * manifest's format, per version, is in v1.ts, v2.ts and v3.ts; reading one is read.ts.
 */
export const MANIFEST = 'manifest.json';
export const CHANGELOG = 'CHANGELOG.md';

export { CURRENT_MANIFEST_VERSION, readManifest, readManifestText, type ManifestReading, type ManifestVersion } from './read.ts';
export type { DatasetHistoryEntry, HistoryEntry, ManifestChange, ManifestDataset, ManifestEvent, ManifestFile } from './v3.ts';

/** The manifest as evforge reads and writes it: the current version (v3.ts); older ones are upgraded on reading (read.ts). */
export type Manifest = ManifestV3;

/** Generated artifacts changed without the schema version saying so (or saying too little). */
export interface VersionProblem {
  readonly event: string;
  readonly source: string;
  readonly from: string;
  readonly to: string;
  readonly needed: Bump;
  readonly changes: readonly SchemaChange[];
}

/** A named definition would rewrite a data stream that other definitions, not named, share. */
export interface OwnershipProblem {
  readonly dataset: string;
  /** Members the manifest records that were not given, with their definition files. */
  readonly others: readonly { event: string; definition: string }[];
  readonly given: readonly string[];
}

export interface OutputPlan {
  /** Every file the output folder should hold, manifest and changelog included. */
  readonly files: ReadonlyMap<string, string>;
  readonly datasets: readonly RenderedDataset[];
  readonly manifest: Manifest;
  readonly versionProblems: readonly VersionProblem[];
  readonly ownershipProblems: readonly OwnershipProblem[];
}

/** The previous generated state: the output folder as it is on disk (or at the last commit). */
export interface PreviousOutput {
  readonly manifest: Manifest | undefined;
  /** A file's text by path; read only where digests differ (a Map does, or a view that decodes on demand). */
  readonly files: PreviousFiles;
}

export type PreviousFiles = Pick<ReadonlyMap<string, string>, 'get'>;

/** Kinds every member of a dataset shares; the others belong to one definition (its rules). */
export const SHARED_KINDS: ReadonlySet<ArtifactKind> = new Set<ArtifactKind>(['ingest_pipeline', 'component_template', 'index_template', 'field_docs']);

/** Objects are matched by kind, engine and name, not by path: a dataset's folder may move. */
export const identity = (f: { kind: ArtifactKind; engine: Engine | 'any'; name: string }) => `${f.kind}|${f.engine}|${f.name}`;

/**
 * A generated state for the classifier: the given files, keyed by identity and attributed to
 * `event`. Content missing on disk or not matching its digest (deleted, hand-edited) is taken from
 * `fresh`, so repairing the folder never demands a version bump.
 */
function stateOf(files: readonly ManifestFile[], disk: PreviousFiles, event: string, keep: (f: ManifestFile) => boolean, fresh?: ReadonlyMap<string, string>): GeneratedState {
  const contents = new Map<string, string>();
  const index = new Map<string, { event: string; kind: ArtifactKind; engine: Engine | 'any'; name: string }>();
  for (const f of files) {
    if (!keep(f)) continue;
    const key = identity(f);
    const have = disk.get(f.path);
    const text = have !== undefined && sha256(have) === f.sha256 ? have : fresh?.get(key);
    if (text === undefined) continue;
    contents.set(key, text);
    index.set(key, { event, kind: f.kind, engine: f.engine, name: f.name });
  }
  return { files: contents, index, versions: new Map() };
}

/** New contents keyed by identity, for stateOf's fallback. */
function byIdentity(files: readonly ManifestFile[], contents: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    const content = contents.get(f.path);
    if (content !== undefined) out.set(identity(f), content);
  }
  return out;
}

/** The files `keep` selects are the same objects with the same digests in both lists. */
function sameFiles(a: readonly ManifestFile[], b: readonly ManifestFile[], keep: (f: ManifestFile) => boolean): boolean {
  const digests = (list: readonly ManifestFile[]) => list.filter(keep).map((f) => `${identity(f)} ${f.sha256}`).sort().join('\n');
  return digests(a) === digests(b);
}

const withoutEvent = ({ event: _e, ...c }: SchemaChange): ManifestChange => c;

/**
 * The whole output folder as it should be. With `complete`, the definitions are all there is, so
 * events and datasets missing from them leave the manifest; otherwise other datasets are kept from
 * `previous`, and a dataset whose other members were not given is an ownership problem (unless
 * `takeOver`). Each event's schema version is checked against what changed since `previous`:
 * changes to its own rules always count; changes to the shared objects count for the members
 * whose definitions changed (for all members when none did, e.g. a new evforge). Adding a member
 * is a compatible change of the dataset, removing one a breaking one; both go in its history.
 */
export function renderOutput(
  defs: readonly DefinitionSource[],
  renderer: Renderer,
  previous: PreviousOutput | undefined,
  complete: boolean,
  options: GenerateOptions & { takeOver?: boolean } = {},
): OutputPlan {
  const grouped = datasetsOf(defs);
  const rendered = grouped.datasets.map((b) => renderDataset(b, grouped.sources, renderer, options));
  return planOutput(grouped.sources, rendered, renderer, previous, complete, options);
}

/** renderOutput's plan from datasets rendered already (by renderDataset, here or on other threads), in datasetsOf's order. */
export function planOutput(
  sources: ReadonlyMap<string, string>,
  rendered: readonly RenderedDataset[],
  renderer: Renderer,
  previous: PreviousOutput | undefined,
  complete: boolean,
  options: { takeOver?: boolean } = {},
): OutputPlan {
  const old = previous?.manifest;
  const disk: PreviousFiles = previous?.files ?? new Map<string, string>();
  const datasets: Record<string, ManifestDataset> = complete ? {} : { ...(old?.datasets ?? {}) };
  const events: Record<string, ManifestEvent> = complete ? {} : { ...(old?.events ?? {}) };
  const versionProblems: VersionProblem[] = [];
  const ownershipProblems: OwnershipProblem[] = [];

  // Each definition's own files (its rules) before, wherever the manifest had them: read once.
  const ownFilesBefore = new Map<string, ManifestFile[]>();
  for (const b of Object.values(old?.datasets ?? {})) {
    for (const f of b.files) {
      const [owner, ...others] = f.owners;
      if (owner !== undefined && others.length === 0) ownFilesBefore.set(owner, [...(ownFilesBefore.get(owner) ?? []), f]);
    }
  }
  for (const r of rendered) {
    const { name: dataset } = r.dataset;
    const members = r.dataset.events.map((e) => e.name);
    const before = old?.datasets[dataset];
    // Members another dataset recorded: this run takes them (a definition moved datasets).
    if (!complete && before && !options.takeOver) {
      const others = before.members.filter((e) => !members.includes(e));
      if (others.length) ownershipProblems.push({ dataset, given: members, others: others.map((e) => ({ event: e, definition: old?.events[e]?.definition ?? '(unknown)' })) });
    }
    const oldMembers = before?.members ?? [];
    const added = members.filter((m) => !oldMembers.includes(m));
    const removed = oldMembers.filter((m) => !members.includes(m));
    const changed = new Set(r.dataset.events.filter((e) => (old?.events[e.name]?.definition_hash ?? e.hash) !== e.hash).map((e) => e.name));
    const sameMembers = added.length === 0 && removed.length === 0;
    const fresh = byIdentity(r.manifestFiles, r.files);
    const shared = (f: ManifestFile) => SHARED_KINDS.has(f.kind);
    const knownFields = new Set(datasetFields(r.dataset).map((f) => f.path));
    // Same digests as before: nothing to classify (the common case, and the costly one to parse).
    const sharedChanges = before && !sameFiles(before.files, r.manifestFiles, shared) ? classifyStates(stateOf(before.files, disk, dataset, shared, fresh), stateOf(r.manifestFiles, r.files, dataset, shared)) : [];

    for (const def of r.dataset.events) {
      const name = def.name;
      const source = sources.get(name) ?? name;
      const prior = old?.events[name];
      const to = def.schemaVersion;
      let history: HistoryEntry[];
      if (!prior) {
        history = [{ version: to, initial: true, changes: [] }];
      } else {
        const priorHistory = prior.history;
        // The event's own files before: in whichever dataset the manifest had it.
        const priorFiles = ownFilesBefore.get(name) ?? [];
        const own = (f: ManifestFile) => !SHARED_KINDS.has(f.kind) && f.owners.length === 1 && f.owners[0] === name;
        const ownChanges = sameFiles(priorFiles, r.manifestFiles, own) ? [] : classifyStates(stateOf(priorFiles, disk, name, own, fresh), stateOf(r.manifestFiles, r.files, name, own), { knownFields });
        const charged = changed.has(name) || (sameMembers && changed.size === 0);
        const changes = [...ownChanges, ...(charged ? sharedChanges.map((c) => ({ ...c, event: name })) : [])];
        const needed = requiredBump(changes);
        const from = prior.schema_version;
        if (bumpOf(from, to) === 'same') {
          if (needed) versionProblems.push({ event: name, source, from, to, needed, changes });
          history = priorHistory;
        } else {
          if (!bumpSuffices(from, to, needed)) versionProblems.push({ event: name, source, from, to, needed: needed ?? 'patch', changes });
          history = [{ version: to, changes: changes.map(withoutEvent) }, ...priorHistory.filter((h) => h.version !== to)];
        }
      }
      events[name] = { definition: source, dataset, schema_version: to, definition_hash: def.hash, history };
    }
    for (const gone of removed) if (events[gone]?.dataset === dataset) delete events[gone];

    let datasetHistory: DatasetHistoryEntry[] = before?.history ?? [];
    if (!before || !sameMembers) {
      const membership: ManifestChange[] = [
        ...added.map((e) => ({ severity: 'compatible' as const, engine: 'any' as const, area: 'event' as const, path: e, summary: 'event added to the data stream' })),
        ...removed.map((e) => ({
          severity: 'breaking' as const,
          engine: 'any' as const,
          area: 'event' as const,
          path: e,
          summary: 'event removed from the data stream',
          why: 'its fields leave the mapping (new data needs a rollover) and its events are no longer normalized or detected',
        })),
      ];
      datasetHistory = [
        { members: Object.fromEntries(r.dataset.events.map((e) => [e.name, e.schemaVersion])), added, removed, changes: [...membership, ...sharedChanges.map(withoutEvent)] },
        ...datasetHistory,
      ];
    }
    datasets[dataset] = { data_stream: objectNames(r.dataset.name).indexPattern, members, files: [...r.manifestFiles], history: datasetHistory };
  }
  // With named files, a definition that moved to another dataset leaves its old dataset.
  if (!complete) {
    for (const r of rendered) {
      for (const e of r.dataset.events) {
        for (const [ds, b] of Object.entries(datasets)) {
          if (ds === r.dataset.name || !b.members.includes(e.name)) continue;
          datasets[ds] = { ...b, members: b.members.filter((x) => x !== e.name) };
        }
      }
    }
  }
  const manifest: Manifest = { generated_by: 'evforge', manifest_version: 3, datasets, events };
  const files = new Map<string, string>();
  for (const r of rendered) for (const [p, c] of r.files) files.set(p, c);
  files.set(MANIFEST, stableJson(manifest));
  files.set(CHANGELOG, renderer.renderChangelog(manifest));
  return { files, datasets: rendered, manifest, versionProblems, ownershipProblems };
}

/** The version a problem asks for, e.g. `1.0.0 → 2.0.0`. */
export function suggestedVersion(p: VersionProblem): string {
  return bumped(p.from, p.needed);
}

