/**
 * The endpoint paths evforge names itself: the only ones in the code base. Every other request goes
 * through the official clients' typed APIs (`client.ingest.putPipeline`, `client.bulk`, …), which
 * own their paths. These remain because no typed API fits:
 * - a pipeline simulate whose documents must reach the engine byte for byte and whose answer must
 *   be read without rounding numbers beyond 2^53 (the typed API re-serializes both);
 * - the OpenSearch Security Analytics rule API, which the OpenSearch client does not type.
 */

const segment = encodeURIComponent;

export const SIMULATE_INDEX = 'evforge-simulate';

export const endpoints = {
  /** POST: runs documents through a stored pipeline. */
  simulatePipeline: (pipeline: string) => `/_ingest/pipeline/${segment(pipeline)}/_simulate`,
  /** POST with `pre_packaged=false`: custom Security Analytics rules. */
  securityAnalyticsRuleSearch: '/_plugins/_security_analytics/rules/_search',
  /** POST with `category`: creates a rule from Sigma YAML. */
  securityAnalyticsRules: '/_plugins/_security_analytics/rules',
  /** PUT with `category` and `forced`: replaces a rule. */
  securityAnalyticsRule: (docId: string) => `/_plugins/_security_analytics/rules/${segment(docId)}`,
} as const;

/** The plugin whose presence in `_cat/plugins` turns Security Analytics rules on. */
export const SECURITY_ANALYTICS_PLUGIN = 'opensearch-security-analytics';

/** The simulate request body, built from the documents' own texts so none of their numbers is re-encoded. */
export function simulateBody(documents: readonly string[]): string {
  return `{"docs":[${documents.map((d) => `{"_index":"${SIMULATE_INDEX}","_source":${d}}`).join(',')}]}`;
}
