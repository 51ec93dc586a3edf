import { Client as ElasticsearchClient, type BaseConnection } from '@elastic/elasticsearch';
import { Client as OpenSearchClient, type Connection as OpenSearchConnection } from '@opensearch-project/opensearch';
import type { Engine } from '../../terms.ts';
import { engineClient, type EngineSpec } from './adapter.ts';
import type { ConnectionOptions, EngineClient } from './client.ts';
import { ElasticsearchEdgeTransport, OpenSearchEdgeTransport, QuietConnection } from './transport.ts';

/**
 * The engines' clients, one entry per engine: only what differs between them. Everything else is
 * written once, in adapter.ts, over the typed API both clients share (TypedApi), and each entry's
 * client is checked against that by the compiler. Both clients are given evforge's transport and,
 * in a test, a Connection class, through their documented `Transport` and `Connection` options.
 * @see https://www.elastic.co/docs/reference/elasticsearch/clients/javascript/transport
 * @see https://www.elastic.co/docs/reference/elasticsearch/clients/javascript/advanced-config
 */
const elasticsearch = {
  engine: 'elasticsearch',
  connect: ({ apiKey }, { basicAuth, tls, ...common }, Connection) =>
    new ElasticsearchClient({
      ...common,
      ...(apiKey ? { auth: { apiKey } } : basicAuth ? { auth: basicAuth } : {}),
      tls,
      Transport: ElasticsearchEdgeTransport,
      ...(Connection ? { Connection } : {}),
    }),
  // The status comes back with the body only when asked, so a 404 can be told from an answer.
  callOptions: { meta: true },
  putPipeline: (client, request, options) => client.ingest.putPipeline(request, options),
  // The request type wants `template` at the top; the body carries it too, in its own place.
  putComponentTemplate: (client, request, options) => client.cluster.putComponentTemplate(request, options),
  search: (client, { index, body }, options) => client.search({ index, ...body }, options),
  securityAnalytics: false,
} satisfies EngineSpec<ElasticsearchClient, { readonly meta: true }, typeof BaseConnection>;

const opensearch = {
  engine: 'opensearch',
  connect: ({ apiKey }, { basicAuth, tls, ...common }, Connection) =>
    new OpenSearchClient({
      ...common,
      ...(basicAuth ? { auth: basicAuth } : {}),
      headers: apiKey ? { authorization: `ApiKey ${apiKey}` } : {},
      ssl: tls,
      Transport: OpenSearchEdgeTransport,
      Connection: Connection ?? QuietConnection,
      // Event documents may carry `__proto__` keys; JSON.parse makes them plain own properties, and
      // the default guard would throw inside the bulk helper instead of reporting the document.
      disablePrototypePoisoningProtection: true,
    }),
  // Every answer carries its status.
  callOptions: {},
  // No `if_version` here: OpenSearch 2.19 and 3.8 refuse it ("unrecognized parameter"); push re-reads instead.
  putPipeline: (client, { id, body }, options) => client.ingest.putPipeline({ id, body }, options),
  putComponentTemplate: (client, { name, template, body, ...flags }, options) => client.cluster.putComponentTemplate({ name, body: { ...body, template }, ...flags }, options),
  search: (client, request, options) => client.search(request, options),
  securityAnalytics: true,
} satisfies EngineSpec<OpenSearchClient, Record<never, never>, typeof OpenSearchConnection>;

/** The table: an engine without an entry, or an entry under another engine's name, does not compile. */
export const ENGINE_CLIENTS = { elasticsearch, opensearch } satisfies { readonly [E in Engine]: { readonly engine: E } };

/** What a test may put in place of the network: the Elasticsearch client's Connection class (e.g. `@elastic/elasticsearch-mock`'s). */
export interface ElasticsearchInjection {
  readonly Connection?: typeof BaseConnection;
}

/** What a test may put in place of the network: the OpenSearch client's Connection class. */
export interface OpenSearchInjection {
  readonly Connection?: typeof OpenSearchConnection;
}

/** Elasticsearch through `@elastic/elasticsearch`, its typed API and types. */
export function elasticsearchClient(options: ConnectionOptions, inject: ElasticsearchInjection = {}): EngineClient {
  return engineClient(ENGINE_CLIENTS.elasticsearch, options, inject.Connection);
}

/** OpenSearch through `@opensearch-project/opensearch`, its typed API and types. */
export function openSearchClient(options: ConnectionOptions, inject: OpenSearchInjection = {}): EngineClient {
  return engineClient(ENGINE_CLIENTS.opensearch, options, inject.Connection);
}
