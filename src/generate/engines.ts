import type { Engine } from '../terms.ts';

/**
 * What each engine accepts, as data: generators read this table instead of branching on the
 * engine name, so a difference is one row. The OpenSearch column was probed on a real 2.19.1 node
 * (e.g. pipeline `_meta` → "pipeline doesn't support one or more provided configuration parameters
 * [_meta]", `set.copy_from` → "[value] required property is missing", template
 * `ignore_missing_component_templates` → "unknown field"); the Elasticsearch column follows the
 * Elasticsearch 8.x/9.x reference.
 * @see https://www.elastic.co/docs/reference/enrich-processor
 * @see https://docs.opensearch.org/docs/latest/ingest-pipelines/processors/index-processors/
 */
export interface EngineCapabilities {
  /** `_meta` on ingest pipelines (ES ≥ 7.14). */
  readonly pipelineMeta: boolean;
  /** `match_only_text` for ECS `.text` multi-fields and `message`. */
  readonly matchOnlyText: boolean;
  /** `ignore_missing_component_templates` lets a template name an optional `@custom` component. */
  readonly optionalComponents: boolean;
  /** `_ingest.on_failure_pipeline` metadata in on_failure handlers. */
  readonly onFailurePipeline: boolean;
  /**
   * The script processor runs its script on a deep copy of the document and writes the copy back
   * only when the script succeeds: a failed script leaves the document untouched, and a value the
   * copy cannot hold (an integer beyond 2^63 − 1) fails it before the script starts. Seen in
   * OpenSearch 2.19.1 and 3.8.0 (ScriptProcessor.execute: `new IngestDocument(document)`, then
   * `putAll` of the result); Elasticsearch runs scripts on the document itself.
   * @see https://github.com/opensearch-project/OpenSearch/blob/2.19/modules/ingest-common/src/main/java/org/opensearch/ingest/common/ScriptProcessor.java
   */
  readonly scriptOnCopy: boolean;
  /** What a detection becomes for this engine: a Kibana rule, or a Security Analytics rule. */
  readonly detectionRule: 'elastic_rule' | 'security_analytics_rule';
}

export const ENGINES = {
  elasticsearch: {
    pipelineMeta: true,
    matchOnlyText: true,
    optionalComponents: true,
    onFailurePipeline: true,
    scriptOnCopy: false,
    detectionRule: 'elastic_rule',
  },
  opensearch: {
    pipelineMeta: false,
    matchOnlyText: true,
    optionalComponents: false,
    onFailurePipeline: false,
    scriptOnCopy: true,
    detectionRule: 'security_analytics_rule',
  },
} as const satisfies Record<Engine, EngineCapabilities>;
