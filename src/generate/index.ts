import type { EventDefinition } from '../definition/model.ts';
import type { Target } from './engines.ts';
import { TARGETS } from './engines.ts';
import { indexFields, type IndexField } from './fields.ts';
import { objectMeta, objectNames, type ObjectMeta } from './naming.ts';
import { buildPipeline, type PipelineBody } from './pipeline.ts';
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

export interface FieldDocsBody {
  event: EventDefinition;
  levelName: string;
  dataStream: string;
  fields: IndexField[];
  meta: ObjectMeta;
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
  readonly target: Target | 'any';
  /** Definition it comes from (its `name`). */
  readonly event: string;
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
  ingest_pipeline: 'json',
  sigma_rule: 'yml',
  queries: 'json',
  elastic_rule: 'ndjson',
  security_analytics_rule: 'yml',
  field_docs: 'md',
} as const satisfies Record<ArtifactKind, string>;

function artifact<K extends ArtifactKind>(kind: K, target: Target | 'any', def: EventDefinition, name: string, dir: string, body: ArtifactBodies[K]): Artifact<K> {
  const file = `${name}.${EXTENSIONS[kind]}`;
  return { kind, target, event: def.name, name, path: [def.name, dir, file].join('/'), body };
}

export interface GenerateOptions {
  /** Engines to generate for; both by default. */
  readonly targets?: readonly Target[];
}

/** Every artifact of one definition, in a stable order. Pure: no disk, no network. */
export function generateArtifacts(def: EventDefinition, options: GenerateOptions = {}): AnyArtifact[] {
  const targets = options.targets ?? TARGETS;
  const names = objectNames(def);
  const out: AnyArtifact[] = [];
  for (const target of TARGETS.filter((t) => targets.includes(t))) {
    out.push(artifact('ingest_pipeline', target, def, names.pipeline, `${target}/ingest_pipeline`, buildPipeline(def, target)));
    out.push(artifact('component_template', target, def, names.settings, `${target}/component_template`, buildSettingsComponent(def, target)));
    out.push(artifact('component_template', target, def, names.mappings, `${target}/component_template`, buildMappingsComponent(def, target)));
    out.push(artifact('index_template', target, def, names.indexTemplate, `${target}/index_template`, buildIndexTemplate(def, target)));
    for (const rule of def.detections) {
      if (target === 'elasticsearch') out.push(artifact('elastic_rule', target, def, rule.name, `${target}/detection_rule`, buildElasticRule(def, rule)));
      else out.push(artifact('security_analytics_rule', target, def, rule.name, `${target}/detection_rule`, buildSecurityAnalyticsRule(def, rule)));
    }
  }
  for (const rule of def.detections) {
    out.push(artifact('sigma_rule', 'any', def, rule.name, 'sigma', buildSigmaRule(def, rule)));
    out.push(artifact('queries', 'any', def, rule.name, 'queries', buildQueries(def, rule)));
  }
  out.push(
    artifact('field_docs', 'any', def, 'fields', 'docs', {
      event: def,
      levelName: WINDOWS_LEVELS[def.level].name,
      dataStream: names.dataStream(),
      fields: indexFields(def),
      meta: objectMeta(def),
    }),
  );
  return out;
}

/** Order in which cluster objects must be created: what a template names must exist first. */
export const APPLY_ORDER: readonly ArtifactKind[] = ['ingest_pipeline', 'component_template', 'index_template', 'elastic_rule', 'security_analytics_rule'];
