/** The two engines evforge targets. */
export const TARGETS = ['elasticsearch', 'opensearch'] as const;
export type Target = (typeof TARGETS)[number];

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
  /** What a detection becomes for this engine: a Kibana rule, or a Security Analytics rule. */
  readonly detectionRule: 'elastic_rule' | 'security_analytics_rule';
}

export const ENGINES = {
  elasticsearch: {
    pipelineMeta: true,
    matchOnlyText: true,
    optionalComponents: true,
    onFailurePipeline: true,
    detectionRule: 'elastic_rule',
  },
  opensearch: {
    pipelineMeta: false,
    matchOnlyText: true,
    optionalComponents: false,
    onFailurePipeline: false,
    detectionRule: 'security_analytics_rule',
  },
} as const satisfies Record<Target, EngineCapabilities>;
