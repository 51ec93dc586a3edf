import type { estypes } from '@elastic/elasticsearch';
import { EVENT_DATA, HEADER_FIELDS } from '../definition/header.ts';
import type { EcsTarget, EventDefinition, Field } from '../definition/model.ts';
import { WINDOWS_LEVELS, WINDOWS_TYPE_SPECS, type WindowsTypeSpec } from '../definition/windows-types.ts';
import { assertNever } from '../errors.ts';
import { ENGINES, type EngineCapabilities, type Target } from './engines.ts';
import { objectMeta, objectVersion } from './naming.ts';
import * as painless from './painless.ts';

/** OpenSearch's `copy` processor, which Elasticsearch's types do not know. */
interface CopyProcessor {
  copy: estypes.IngestProcessorBase & { source_field: string; target_field: string; ignore_missing?: boolean; override_target?: boolean };
}
export type Processor = estypes.IngestProcessorContainer | CopyProcessor;

export interface PipelineBody {
  description: string;
  version: number;
  _meta?: Record<string, unknown>;
  processors: Processor[];
  on_failure: Processor[];
}

const script = (source: string, params: Record<string, unknown>): estypes.Script => ({ source, params });
const split = (path: string): string[] => path.split('.');

/** Mustache reference that cannot be HTML-escaped (`{{{ }}}`); paths are validated identifiers. */
const mustache = (path: string): string => `{{{${path}}}}`;

/** Processors that tag the document and keep going when one field cannot be normalized. */
function fieldFailure(field: string, target: string): Processor[] {
  return [
    { set: { tag: `fail_${target}_kind`, field: 'event.kind', value: 'pipeline_error' } },
    {
      append: {
        tag: `fail_${target}_message`,
        field: 'error.message',
        value: `${field} could not be written to ${target}: {{{_ingest.on_failure_message}}}`,
      },
    },
    { remove: { tag: `fail_${target}_remove`, field: target, ignore_missing: true } },
  ];
}

/** Copies a value as-is, with the processor the engine has for it. */
function copy(caps: EngineCapabilities, tag: string, from: string, to: string, override: boolean): Processor {
  if (caps.setCopyFrom) return { set: { tag, field: to, copy_from: from, ignore_empty_value: true, override } };
  if (caps.copyProcessor) {
    // `copy` fails on an existing target unless told to override: keep the collector's value by skipping.
    const body = { tag, source_field: from, target_field: to, ignore_missing: true, override_target: override };
    return { copy: override ? body : { ...body, if: script(painless.IS_ABSENT, { path: split(to) }) } };
  }
  return { set: { tag, field: to, value: mustache(from), ignore_empty_value: true, override } };
}

/* ──────────────────────────── stages ──────────────────────────── */

/** The raw "system" shape → Winlogbeat names. Every rename is a no-op for Winlogbeat events. */
function shapeStage(def: EventDefinition): Processor[] {
  const out: Processor[] = [];
  for (const h of HEADER_FIELDS) {
    out.push({ rename: { tag: `system_${h.target.replace(/^winlog\./, '').replace(/\./g, '_')}`, field: h.system, target_field: h.target, ignore_missing: true } });
  }
  out.push({ rename: { tag: 'system_event_data', field: 'event_data', target_field: EVENT_DATA, ignore_missing: true } });
  // Numeric task/opcode become the names Winlogbeat writes, when they are this event's.
  for (const key of ['task', 'opcode'] as const) {
    out.push({
      set: {
        tag: `name_${key}`,
        if: script(painless.NUMBER_EQUALS, { path: ['winlog', key], value: def[key].value }),
        field: `winlog.${key}`,
        value: def[key].name,
      },
    });
  }
  for (const h of HEADER_FIELDS.filter((x) => 'toText' in x && x.toText)) {
    out.push({ convert: { tag: `text_${h.target.replace(/^winlog\./, '')}`, field: h.target, type: 'string', ignore_missing: true } });
  }
  return out;
}

/** Older field names → canonical names (an alias field in the mapping cannot be written). */
function aliasStage(def: EventDefinition): Processor[] {
  return def.fields.flatMap((f) =>
    f.aliases.map((alias): Processor => ({
      rename: { tag: `alias_${alias}`, field: `${EVENT_DATA}.${alias}`, target_field: `${EVENT_DATA}.${f.name}`, ignore_missing: true },
    })),
  );
}

/**
 * `@timestamp` from `time_created`, keeping every fractional digit: the output format prints 3 to 9
 * digits as needed, and the field is `date_nanos`.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/date-processor.html
 */
function timestampStage(): Processor[] {
  return [
    {
      date: {
        tag: 'timestamp_time_created',
        if: script(painless.IS_PRESENT, { path: ['winlog', 'time_created'] }),
        field: 'winlog.time_created',
        target_field: '@timestamp',
        formats: ['ISO8601'],
        output_format: 'strict_date_optional_time_nanos',
      },
    },
  ];
}

function messageStage(def: EventDefinition): Processor[] {
  const parts = def.messageParts.map((p) => (typeof p === 'string' ? p : { field: def.fields[p.insert - 1]!.name }));
  return [{ script: { tag: 'render_message', lang: 'painless', source: painless.RENDER_MESSAGE, params: { parts } } }];
}

function nullTokenStage(def: EventDefinition): Processor[] {
  const tokens = Object.fromEntries(def.fields.filter((f) => f.nullTokens.length > 0).map((f) => [f.name, f.nullTokens]));
  if (Object.keys(tokens).length === 0) return [];
  return [{ script: { tag: 'drop_null_tokens', lang: 'painless', source: painless.DROP_NULL_TOKENS, params: { tokens } } }];
}

/** ECS fields every event of this definition gets. Collector values win (`override: false`). */
function eventStage(def: EventDefinition, caps: EngineCapabilities): Processor[] {
  const out: Processor[] = [
    copy(caps, 'event_code', 'winlog.event_id', 'event.code', false),
    copy(caps, 'event_provider', 'winlog.provider_name', 'event.provider', false),
    copy(caps, 'host_name', 'winlog.computer_name', 'host.name', false),
    { set: { tag: 'event_kind', field: 'event.kind', value: 'event', override: false } },
    { set: { tag: 'event_module', field: 'event.module', value: 'windows', override: false } },
    { set: { tag: 'event_dataset', field: 'event.dataset', value: def.dataset, override: false } },
    { set: { tag: 'event_action', field: 'event.action', value: def.ecs.action, override: false } },
    { set: { tag: 'log_level', field: 'log.level', value: WINDOWS_LEVELS[def.level].logLevel, override: false } },
  ];
  if (def.ecs.category.length > 0) out.push({ append: { tag: 'event_category', field: 'event.category', value: [...def.ecs.category], allow_duplicates: false } });
  if (def.ecs.type.length > 0) out.push({ append: { tag: 'event_type', field: 'event.type', value: [...def.ecs.type], allow_duplicates: false } });
  return out;
}

/** One ECS target of one field. A new derivation without a branch here fails to compile. */
function targetProcessors(f: Field, t: EcsTarget, caps: EngineCapabilities): Processor[] {
  const from = `${EVENT_DATA}.${f.name}`;
  const tag = `ecs_${t.field.replace(/\./g, '_')}`;
  const onFailure = fieldFailure(f.name, t.field);
  const derive = t.derive;
  switch (derive) {
    case 'copy':
      break;
    case 'basename':
      return [{ script: { tag, lang: 'painless', source: painless.BASENAME, params: { from: split(from), to: split(t.field) }, on_failure: onFailure as estypes.IngestProcessorContainer[] } }];
    case 'lowercase':
    case 'uppercase':
      return [{ [derive]: { tag, field: from, target_field: t.field, ignore_missing: true, on_failure: onFailure } } as Processor];
    default:
      return assertNever(derive, 'derivation');
  }
  if (t.array) {
    return [{ append: { tag, if: script(painless.IS_PRESENT, { path: split(from) }), field: t.field, value: mustache(from), allow_duplicates: false } }];
  }
  const spec: WindowsTypeSpec = WINDOWS_TYPE_SPECS[f.type];
  switch (t.type) {
    case 'long':
    case 'double': {
      const out: Processor[] = [
        { convert: { tag, field: from, target_field: t.field, type: t.type, ignore_missing: true, on_failure: onFailure as estypes.IngestProcessorContainer[] } },
      ];
      if (spec.range && t.type === 'long') {
        const [min, max] = spec.range;
        out.push({
          fail: {
            tag: `${tag}_range`,
            if: script(painless.OUT_OF_RANGE, { path: split(t.field), min: Number(min), max: Number(max) }),
            message: `${f.name} is outside the ${f.type} range ${min}…${max}`,
            on_failure: onFailure as estypes.IngestProcessorContainer[],
          },
        });
      }
      return out;
    }
    case 'boolean':
      return [{ convert: { tag, field: from, target_field: t.field, type: 'boolean', ignore_missing: true, on_failure: onFailure as estypes.IngestProcessorContainer[] } }];
    case 'keyword':
    case 'ip':
    case 'date':
    case 'date_nanos':
      return [copy(caps, tag, from, t.field, true)];
    default:
      return assertNever(t.type, 'ECS target type');
  }
}

function ecsStage(def: EventDefinition, caps: EngineCapabilities): Processor[] {
  return def.fields.flatMap((f) => f.ecs.flatMap((t) => targetProcessors(f, t, caps)));
}

function cleanupStage(): Processor[] {
  return [{ remove: { tag: 'remove_empty_system', if: script(painless.SYSTEM_EMPTIED, {}), field: 'system', ignore_missing: true } }];
}

/**
 * Keeps every document: marks it, says why, and makes sure it still has the `@timestamp` a data
 * stream requires. Elastic's integration pipelines end the same way.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/ingest.html#handling-pipeline-failures
 */
function onFailure(caps: EngineCapabilities): Processor[] {
  const where = caps.onFailurePipeline ? ' in pipeline {{{_ingest.on_failure_pipeline}}}' : '';
  return [
    { set: { tag: 'on_failure_kind', field: 'event.kind', value: 'pipeline_error' } },
    {
      append: {
        tag: 'on_failure_message',
        field: 'error.message',
        value: `Processor {{{_ingest.on_failure_processor_type}}} with tag {{{_ingest.on_failure_processor_tag}}}${where} failed with message: {{{_ingest.on_failure_message}}}`,
      },
    },
    { set: { tag: 'on_failure_timestamp', field: '@timestamp', value: '{{{_ingest.timestamp}}}', override: false } },
  ];
}

/**
 * The ingest pipeline: both input shapes in, Winlogbeat/ECS out. Every processor is tagged; the
 * stages run in this order because each reads what the one before wrote.
 */
export function buildPipeline(def: EventDefinition, target: Target): PipelineBody {
  const caps = ENGINES[target];
  const meta = objectMeta(def);
  const description = `${def.title}: ${def.provider.name} event ${def.eventId} → ECS (evforge, schema ${def.schemaVersion})`;
  const processors: Processor[] = [
    ...shapeStage(def),
    ...aliasStage(def),
    ...timestampStage(),
    { set: { tag: 'timestamp_fallback', field: '@timestamp', value: '{{{_ingest.timestamp}}}', override: false } },
    ...messageStage(def),
    ...nullTokenStage(def),
    ...eventStage(def, caps),
    ...ecsStage(def, caps),
    ...cleanupStage(),
  ];
  return {
    description,
    version: objectVersion(def.schemaVersion),
    ...(caps.pipelineMeta ? { _meta: { ...meta } } : {}),
    processors,
    on_failure: onFailure(caps),
  };
}
