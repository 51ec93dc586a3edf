import type { EventDefinition } from '../definition/model.ts';
import { ValidationError, type Issue } from '../errors.ts';
import { generateArtifacts, type AnyArtifact, type ArtifactKind, type GenerateOptions } from '../generate/index.ts';
import type { Target } from '../generate/engines.ts';
import { objectNames } from '../generate/naming.ts';
import { sha256, stableJson } from './json.ts';
import type { Renderer } from './serialize.ts';

export const MANIFEST = 'manifest.json';

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
    manifest: { definition: src.source, schema_version: src.definition.schemaVersion, definition_hash: src.definition.hash, files: manifestFiles },
  };
}

export interface OutputPlan {
  /** Every file the output folder should hold for these events, manifest included. */
  readonly files: ReadonlyMap<string, string>;
  readonly events: readonly RenderedEvent[];
  readonly manifest: Manifest;
}

/**
 * The whole output folder as it should be. With `complete`, the definitions are all there is, so
 * events missing from them leave the manifest; otherwise other events' entries are kept from
 * `previous`.
 */
export function renderOutput(defs: readonly DefinitionSource[], renderer: Renderer, previous: Manifest | undefined, complete: boolean, options: GenerateOptions = {}): OutputPlan {
  const issues = checkDefinitionSet(defs);
  if (issues.length) throw new ValidationError(issues);
  const events = defs.map((d) => renderEvent(d, renderer, options));
  const manifestEvents: Record<string, ManifestEvent> = complete ? {} : { ...(previous?.events ?? {}) };
  for (const e of events) manifestEvents[e.definition.name] = e.manifest;
  const manifest: Manifest = { generated_by: 'evforge', manifest_version: 1, events: manifestEvents };
  const files = new Map<string, string>();
  for (const e of events) for (const [p, c] of e.files) files.set(p, c);
  files.set(MANIFEST, stableJson(manifest));
  return { files, events, manifest };
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
