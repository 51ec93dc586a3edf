import type { estypes } from '@elastic/elasticsearch';
import type { Dataset } from '../definition/dataset.ts';
import { assertNever } from '../errors.ts';
import { ENGINES, type EngineCapabilities } from './engines.ts';
import { type Engine } from '../terms.ts';
import { IGNORE_ABOVE, datasetFields, type IndexField } from './fields.ts';
import { ENGINE_DEFAULTS, countMappingFields, totalFieldsLimitFor } from './limits.ts';
import { datasetMeta, datasetVersion, objectNames } from './naming.ts';

export type ComponentTemplateBody = Omit<estypes.ClusterPutComponentTemplateRequest, 'name' | 'create' | 'master_timeout' | 'cause' | 'body'>;
export type IndexTemplateBody = Omit<estypes.IndicesPutIndexTemplateRequest, 'name' | 'create' | 'master_timeout' | 'cause' | 'body'>;

type Property = estypes.MappingProperty;

/** Ids listed one by one up to this many per provider; beyond, their count and range (descriptions stay short at any size). */
const LISTED_IDS = 8;

/**
 * `Microsoft-Windows-NTLM events 8001, 8002, 8003 and Microsoft-Windows-Security-Netlogon event 8004`;
 * `418 Microsoft-Windows-Security-Auditing events (1100 to 8191)` for many.
 */
export function describeEvents(dataset: Dataset): string {
  const byProvider = new Map<string, number[]>();
  for (const e of dataset.events) byProvider.set(e.provider.name, [...(byProvider.get(e.provider.name) ?? []), e.eventId]);
  const parts = [...byProvider].map(([p, ids]) => {
    const sorted = [...ids].sort((a, b) => a - b);
    if (sorted.length > LISTED_IDS) return `${sorted.length} ${p} events (${sorted[0]} to ${sorted.at(-1)})`;
    return `${p} event${sorted.length > 1 ? 's' : ''} ${sorted.length > 1 ? `${sorted.slice(0, -1).join(', ')} and ${sorted.at(-1)}` : sorted[0]}`;
  });
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0] ?? 'no event';
}

/** The `.text` multi-field ECS adds to names and paths. */
function textField(caps: EngineCapabilities): Property {
  return caps.matchOnlyText ? { type: 'match_only_text' } : { type: 'text' };
}

/** One field → its mapping property. A new field type without a branch here fails to compile. */
function property(f: IndexField, caps: EngineCapabilities): Property {
  const type = f.type;
  switch (type) {
    case 'keyword':
      if (f.stored) return { type: 'keyword', index: false, doc_values: false };
      return { type: 'keyword', ignore_above: IGNORE_ABOVE, ...(f.text ? { fields: { text: textField(caps) } } : {}) };
    case 'text':
      return textField(caps);
    case 'object':
      return { type: 'object', enabled: false };
    case 'long':
    case 'double':
    case 'boolean':
    case 'date':
    case 'date_nanos':
    case 'ip':
      return { type };
    default:
      return assertNever(type, 'index field type');
  }
}

/** Flat dotted paths → nested `properties` objects. */
function nest(fields: readonly IndexField[], caps: EngineCapabilities): Record<string, Property> {
  const root: Record<string, Property> = {};
  for (const f of fields) {
    const parents = f.path.split('.');
    const name = parents.pop() ?? f.path;
    let level = root;
    for (const part of parents) {
      // Object fields need no `type`: the engines infer it and leave it out when they echo a mapping.
      const node = level[part] ?? {};
      const properties = ('properties' in node ? node.properties : undefined) ?? {};
      level[part] = Object.assign(node, { properties });
      level = properties;
    }
    level[name] = property(f, caps);
  }
  return root;
}

/**
 * `@mappings`: every field the pipeline writes, explicitly, and nothing else indexed
 * (`dynamic: false`): a field evforge does not know stays in `_source` but can never collide with a
 * mapping and get an event refused. Declare a field to search it.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/dynamic.html
 */
export function buildMappingsComponent(dataset: Dataset, engine: Engine): ComponentTemplateBody {
  const caps = ENGINES[engine];
  const properties = nest(datasetFields(dataset), caps);
  const fields = countMappingFields(properties);
  return {
    version: datasetVersion(dataset),
    _meta: { ...datasetMeta(dataset), description: `Field mappings of ${describeEvents(dataset)}` },
    template: {
      // The engines check a component template on its own, against its own settings: a mapping over
      // the default field limit carries the limit @settings sets (probed on OpenSearch 2.19.1:
      // "Limit of total fields [1000] has been exceeded" for a 5 000-field @mappings without it).
      ...(fields > ENGINE_DEFAULTS.totalFieldsLimit ? { settings: { index: { mapping: { total_fields: { limit: totalFieldsLimitFor(fields) } } } } } : {}),
      mappings: {
        dynamic: false,
        properties,
      },
    },
  };
}

/**
 * `@settings`: the default pipeline; `ignore_malformed` so one bad value costs that value's index
 * entry, not the whole event (Elastic's `logs@settings` does the same); the field limit the
 * mapping needs (totalFieldsLimitFor: 2 000, or more for a data stream of many fields, as Elastic's
 * integrations set it, since the engines' default is 1 000); and `best_compression`
 * (DEFLATE for stored fields): log events are written once and read rarely, so storage wins over
 * the small cost on reads (measured in bench/RESULTS.md).
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/ignore-malformed.html
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/index-modules.html#index-codec
 */
export function buildSettingsComponent(dataset: Dataset, engine: Engine): ComponentTemplateBody {
  const names = objectNames(dataset.name);
  const fields = countMappingFields(nest(datasetFields(dataset), ENGINES[engine]));
  return {
    version: datasetVersion(dataset),
    _meta: { ...datasetMeta(dataset), description: `Index settings of ${describeEvents(dataset)}` },
    template: {
      settings: {
        index: {
          codec: 'best_compression',
          default_pipeline: names.pipeline,
          mapping: { ignore_malformed: true, total_fields: { limit: totalFieldsLimitFor(fields) } },
        },
      },
    },
  };
}

/**
 * The composable index template of the data stream. Priority 200 beats the built-in `logs` template
 * (100) as Fleet's do; Elasticsearch also gets an optional `@custom` component for local additions.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/index-templates.html
 */
export function buildIndexTemplate(dataset: Dataset, engine: Engine): IndexTemplateBody {
  const caps = ENGINES[engine];
  const names = objectNames(dataset.name);
  return {
    index_patterns: [names.indexPattern],
    data_stream: {},
    priority: 200,
    composed_of: caps.optionalComponents ? [names.settings, names.mappings, names.custom] : [names.settings, names.mappings],
    ...(caps.optionalComponents ? { ignore_missing_component_templates: [names.custom] } : {}),
    version: datasetVersion(dataset),
    _meta: { ...datasetMeta(dataset), description: `Data stream ${names.indexPattern} of ${describeEvents(dataset)}` },
  };
}
