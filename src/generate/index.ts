import { makeDataset, type Dataset } from '../definition/dataset.ts';
import type { EventDefinition, Field } from '../definition/model.ts';
import type { Engine } from '../terms.ts';
import { ENGINES } from './engines.ts';
import { ENGINE_NAMES } from '../terms.ts';
import { datasetFields, type DatasetField } from './fields.ts';
import { datasetMeta, objectNames, type DatasetMeta } from './naming.ts';
import { buildPipeline, type PipelineBody } from './pipeline.ts';
import type { PainlessSources } from './painless.ts';
import {
  buildElasticRule,
  buildQueries,
  buildSecurityAnalyticsRule,
  buildSigmaRule,
  type ElasticRuleBody,
  type QueriesBody,
  type SigmaRuleDocument,
} from './rules.ts';
import {
  buildIndexTemplate,
  buildMappingsComponent,
  buildSettingsComponent,
  type ComponentTemplateBody,
  type IndexTemplateBody,
} from './templates.ts';
import { WINDOWS_LEVELS } from '../definition/windows-types.ts';
import { UNRECOGNIZED_TAG } from '../definition/header.ts';

export interface FieldDocsBody {
  dataset: string;
  /** `notes`: per field, in order, what its versions say ("Since version 1. ") or ''. */
  events: { event: EventDefinition; levelName: string; notes: string[] }[];
  dataStream: string;
  fields: DatasetField[];
  meta: DatasetMeta;
  /** The tag the pipeline adds to an event no definition covers. */
  unrecognizedTag: string;
}

/** Body type of each artifact kind: generators return data, `render/` turns it into text. */
export interface ArtifactBodies {
  component_template: ComponentTemplateBody;
  index_template: IndexTemplateBody;
  ingest_pipeline: PipelineBody;
  sigma_rule: SigmaRuleDocument;
  queries: QueriesBody;
  elastic_rule: ElasticRuleBody;
  security_analytics_rule: SigmaRuleDocument;
  field_docs: FieldDocsBody;
}
export type ArtifactKind = keyof ArtifactBodies;

export interface Artifact<K extends ArtifactKind = ArtifactKind> {
  readonly kind: K;
  /** Engine the artifact is for; `any` when both can use it. */
  readonly engine: Engine | 'any';
  /** Definitions it comes from (their `name`s): its owners on a cluster. */
  readonly events: readonly string[];
  /** Dataset of the dataset it belongs to. */
  readonly dataset: string;
  /** Name of the cluster object or rule. */
  readonly name: string;
  /** Path relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly body: ArtifactBodies[K];
}

export type AnyArtifact = { [K in ArtifactKind]: Artifact<K> }[ArtifactKind];

/** File extension of each kind; the serializer picks its format from the same table. */
export const EXTENSIONS = {
  component_template: 'json',
  index_template: 'json',
  ingest_pipeline: 'yml',
  sigma_rule: 'yml',
  queries: 'json',
  elastic_rule: 'ndjson',
  security_analytics_rule: 'yml',
  field_docs: 'md',
} as const satisfies Record<ArtifactKind, string>;

function artifact<K extends ArtifactKind>(kind: K, engine: Engine | 'any', dataset: Dataset, events: readonly EventDefinition[], name: string, dir: string, body: ArtifactBodies[K]): Artifact<K> {
  const file = `${name}.${EXTENSIONS[kind]}`;
  return { kind, engine: engine, events: events.map((e) => e.name), dataset: dataset.name, name, path: [dataset.name, dir, file].join('/'), body };
}

/**
 * What a field's own keys say beyond its type, for the field reference: in which versions of the
 * event it is, the types it had before, whether Windows writes a list. '' for a plain field.
 */
export function fieldNote(f: Field): string {
  const parts = [
    f.since !== undefined ? `Since version ${f.since}.` : '',
    f.until !== undefined ? `Up to version ${f.until}.` : '',
    ...(f.earlierTypes ?? []).map((e) => `${e.type} up to version ${e.until}.`),
    f.array ? 'A list of values.' : '',
  ].filter(Boolean);
  return parts.length ? `${parts.join(' ')} ` : '';
}

export interface GenerateOptions {
  /** Engines to generate for; both by default. */
  readonly engines?: readonly Engine[];
}

/**
 * Every artifact of one dataset (the definitions of one dataset), in a stable order: the data
 * stream's shared objects, owned by every member, then each member's rules. Pure: no disk, no
 * network. One definition alone is a dataset of one. `painless`: templates/painless/ as
 * src/api/templates.ts loads it.
 */
export function generateArtifacts(input: Dataset | EventDefinition, painless: PainlessSources, options: GenerateOptions = {}): AnyArtifact[] {
  const dataset = 'events' in input ? input : makeDataset(input.dataset, [input]);
  const engines = options.engines ?? ENGINE_NAMES;
  const names = objectNames(dataset.name);
  const all = dataset.events;
  const out: AnyArtifact[] = [];
  for (const engine of ENGINE_NAMES.filter((t) => engines.includes(t))) {
    out.push(artifact('ingest_pipeline', engine, dataset, all, names.pipeline, `${engine}/ingest_pipeline`, buildPipeline(dataset, engine, painless)));
    out.push(artifact('component_template', engine, dataset, all, names.settings, `${engine}/component_template`, buildSettingsComponent(dataset, engine)));
    out.push(artifact('component_template', engine, dataset, all, names.mappings, `${engine}/component_template`, buildMappingsComponent(dataset, engine)));
    out.push(artifact('index_template', engine, dataset, all, names.indexTemplate, `${engine}/index_template`, buildIndexTemplate(dataset, engine)));
    for (const def of all) {
      for (const rule of def.detections) {
        const kind = ENGINES[engine].detectionRule;
        const dir = `${engine}/detection_rule`;
        out.push(kind === 'elastic_rule' ? artifact(kind, engine, dataset, [def], rule.name, dir, buildElasticRule(def, rule)) : artifact(kind, engine, dataset, [def], rule.name, dir, buildSecurityAnalyticsRule(def, rule)));
      }
    }
  }
  for (const def of all) {
    for (const rule of def.detections) {
      out.push(artifact('sigma_rule', 'any', dataset, [def], rule.name, 'sigma', buildSigmaRule(def, rule)));
      out.push(artifact('queries', 'any', dataset, [def], rule.name, 'queries', buildQueries(def, rule)));
    }
  }
  out.push(
    artifact('field_docs', 'any', dataset, all, 'fields', 'docs', {
      dataset: dataset.name,
      events: all.map((event) => ({ event, levelName: WINDOWS_LEVELS[event.level].name, notes: event.fields.map(fieldNote) })),
      dataStream: names.dataStream(),
      fields: datasetFields(dataset),
      meta: datasetMeta(dataset),
      unrecognizedTag: UNRECOGNIZED_TAG,
    }),
  );
  return out;
}
