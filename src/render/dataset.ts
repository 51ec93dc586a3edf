import { groupDatasets, makeDataset, type Dataset, type SourcedDefinition } from '../definition/dataset.ts';
import type { EventDefinition } from '../definition/model.ts';
import { ValidationError, type Issue } from '../errors.ts';
import { datasetFieldsChecked } from '../generate/fields.ts';
import { generateArtifacts, type AnyArtifact, type ArtifactKind, type GenerateOptions } from '../generate/index.ts';
import { ENGINE_NAMES, type Engine } from '../terms.ts';
import { measureDataStream, type DataStreamMeasure } from '../generate/limits.ts';
import type { PainlessSources } from '../generate/painless.ts';
import { sha256 } from '../json.ts';
import type { Renderer } from './serialize.ts';

/** One generated file as the manifest lists it. */
export interface RenderedFile {
  path: string;
  kind: ArtifactKind;
  /** The engine it is for; `any` when both use it (the artifact's `target`). */
  engine: Engine | 'any';
  name: string;
  /** Definitions that produced it: its owners on a cluster. */
  owners: string[];
  sha256: string;
}

export type DefinitionSource = SourcedDefinition;

/** One dataset's artifacts with their rendered file contents. */
export interface RenderedDataset {
  readonly dataset: Dataset;
  /** Event name → the definition file it came from. */
  readonly sources: ReadonlyMap<string, string>;
  readonly artifacts: readonly AnyArtifact[];
  /** path → file content */
  readonly files: ReadonlyMap<string, string>;
  readonly manifestFiles: readonly RenderedFile[];
  /** What its objects would hit of each engine's limits (script size, fields, depth), per engine. */
  readonly limits: readonly DataStreamMeasure[];
}

/** Each engine's measure of a dataset's objects (generate/limits.ts), from its artifacts. */
export function measureArtifacts(dataset: string, artifacts: readonly AnyArtifact[]): DataStreamMeasure[] {
  return ENGINE_NAMES.filter((engine) => artifacts.some((a) => a.engine === engine)).map((engine) => measureDataStream(dataset, engine, artifacts.filter((a) => a.engine === engine)));
}

/** Groups definitions into datasets; every conflict (names, event keys, rule files, field types) is an issue. */
export function datasetsOf(defs: readonly DefinitionSource[]): { datasets: Dataset[]; sources: Map<string, string> } {
  const { datasets, issues } = groupDatasets(defs);
  const sources = new Map(defs.map((d) => [d.definition.name, d.source]));
  const all: Issue[] = [...issues];
  for (const b of datasets) all.push(...datasetFieldsChecked(b, sources).issues);
  if (all.length) throw new ValidationError(all);
  return { datasets, sources };
}

/** Definition files a generated header names one by one; beyond, their count and range (the manifest lists each). */
const LISTED_SOURCES = 6;

/** The definition files an artifact comes from, as its "generated from" header names them: short at any size. */
export function sourcesText(files: readonly string[]): string {
  if (files.length <= LISTED_SOURCES) return files.join(', ');
  const sorted = [...files].sort();
  return `${files.length} definitions, ${sorted[0]} to ${sorted.at(-1)} (the manifest lists each)`;
}

/** Renders one dataset's artifacts to file contents, each checked by the renderer. */
export function renderDataset(dataset: Dataset, sources: ReadonlyMap<string, string>, renderer: Renderer, options: GenerateOptions = {}): RenderedDataset {
  const artifacts = generateArtifacts(dataset, renderer.painless, options);
  const files = new Map<string, string>();
  const manifestFiles: RenderedFile[] = [];
  for (const a of artifacts) {
    const source = sourcesText(a.events.map((e) => sources.get(e) ?? e));
    const content = renderer.render(a, { source });
    files.set(a.path, content);
    manifestFiles.push({ path: a.path, kind: a.kind, engine: a.engine, name: a.name, owners: [...a.events], sha256: sha256(content) });
  }
  manifestFiles.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { dataset, sources, artifacts, files, manifestFiles, limits: measureArtifacts(dataset.name, artifacts) };
}

/**
 * A dataset whose files were rendered elsewhere (on another thread, see io/render-pool.ts), as
 * renderDataset would have returned it: its artifacts are generated again only when asked for
 * (`generate` and `check` never do; plans do).
 */
export function renderedElsewhere(
  dataset: Dataset,
  sources: ReadonlyMap<string, string>,
  files: ReadonlyMap<string, string>,
  manifestFiles: readonly RenderedFile[],
  limits: readonly DataStreamMeasure[],
  painless: PainlessSources,
  options: GenerateOptions = {},
): RenderedDataset {
  let artifacts: readonly AnyArtifact[] | undefined;
  return {
    dataset,
    sources,
    files,
    manifestFiles,
    limits,
    get artifacts() {
      artifacts ??= generateArtifacts(dataset, painless, options);
      return artifacts;
    },
  };
}

/** One definition rendered as a dataset of one (the library's `generateAll`). */
export function renderDefinition(def: EventDefinition, source: string, renderer: Renderer, options: GenerateOptions = {}): RenderedDataset {
  return renderDataset(makeDataset(def.dataset, [def]), new Map([[def.name, source]]), renderer, options);
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
