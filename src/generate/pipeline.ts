import type { estypes } from '@elastic/elasticsearch';
import { EVENT_DATA, HEADER_FIELDS } from '../definition/header.ts';
import type { EcsTarget, EventDefinition, Field } from '../definition/model.ts';
import { WINDOWS_LEVELS, WINDOWS_TYPE_SPECS, type WindowsTypeSpec } from '../definition/windows-types.ts';
import { assertNever } from '../errors.ts';
import { ENGINES, type EngineCapabilities, type Target } from './engines.ts';
import { indexFields } from './fields.ts';
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
    ...tagFailure(`fail_${target}`, `${field} could not be written to ${target}`).map(quiet),
    quiet({ script: { tag: `fail_${target}_quarantine`, lang: 'painless', source: painless.QUARANTINE, params: { path: split(target) } } }),
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
function shapeStage(): Processor[] {
  const out: Processor[] = HEADER_FIELDS.map((h) => ({
    rename: { tag: `system_${h.target.replace(/^winlog\./, '').replace(/\./g, '_')}`, field: h.system, target_field: h.target, ignore_missing: true },
  }));
  out.push({ rename: { tag: 'system_event_data', field: 'event_data', target_field: EVENT_DATA, ignore_missing: true } });
  // Numbers become text before any script runs: a script cannot hand a BigInteger (the 64-bit
  // keyword mask) back to the engine ("unexpected value type"), the convert processor can.
  for (const h of HEADER_FIELDS.filter((x) => 'toText' in x && x.toText)) {
    out.push({ convert: { tag: `text_${h.target.replace(/^winlog\./, '')}`, field: h.target, type: 'string', ignore_missing: true, on_failure: tagFailure(`fail_text_${h.target.replace(/^winlog\./, '')}`, `${h.target} could not be turned into text`) as estypes.IngestProcessorContainer[] } });
  }
  return out;
}

/**
 * Raw event data numbers become text, as Winlogbeat sends them: the raw fields are keywords anyway,
 * and an integer beyond 2^63 left as a number makes OpenSearch refuse every later script
 * ("unexpected value type [class java.math.BigInteger]"). Native `convert`, guarded by a condition.
 */
function rawTextStage(def: EventDefinition): Processor[] {
  return def.fields.map((f) => ({
    convert: {
      tag: `raw_text_${f.name}`,
      if: script(painless.IS_NUMBER, { path: split(`${EVENT_DATA}.${f.name}`) }),
      field: `${EVENT_DATA}.${f.name}`,
      type: 'string',
      ignore_missing: true,
    },
  }));
}

/**
 * One script for everything the header implies: named task/opcode, ids as text, header copies,
 * ECS defaults and categories. Definition text (task names, the action) travels as params, never
 * as a Mustache template, so `{{` in a name stays literal.
 */
function headerStage(def: EventDefinition): Processor[] {
  const params = {
    names: (['task', 'opcode'] as const).map((key) => ({ path: ['winlog', key], number: def[key].value, name: def[key].name })),
    copies: [
      { from: split('winlog.event_id'), to: split('event.code') },
      { from: split('winlog.provider_name'), to: split('event.provider') },
      { from: split('winlog.computer_name'), to: split('host.name') },
    ],
    defaults: [
      { path: split('event.kind'), value: 'event' },
      { path: split('event.module'), value: 'windows' },
      { path: split('event.dataset'), value: def.dataset },
      { path: split('event.action'), value: def.ecs.action },
      { path: split('log.level'), value: WINDOWS_LEVELS[def.level].logLevel },
    ],
    appends: [
      ...(def.ecs.category.length ? [{ path: split('event.category'), values: [...def.ecs.category] }] : []),
      ...(def.ecs.type.length ? [{ path: split('event.type'), values: [...def.ecs.type] }] : []),
    ],
  };
  return [{ script: { tag: 'normalize_header', lang: 'painless', source: painless.NORMALIZE_HEADER, params } }];
}

/** Older field names → canonical names (an alias field in the mapping cannot be written). */
function aliasStage(def: EventDefinition): Processor[] {
  return def.fields.flatMap((f) =>
    f.aliases.map((alias): Processor => ({
      rename: { tag: `alias_${alias}`, field: `${EVENT_DATA}.${alias}`, target_field: `${EVENT_DATA}.${f.name}`, ignore_missing: true },
    })),
  );
}

/** Marks the event and records why, for a failure that costs one value, not the event. */
function tagFailure(tag: string, what: string): Processor[] {
  return [
    { set: { tag: `${tag}_kind`, field: 'event.kind', value: 'pipeline_error' } },
    { append: { tag: `${tag}_message`, field: 'error.message', value: `${what}: {{{_ingest.on_failure_message}}}` } },
  ];
}

/**
 * `@timestamp` from `time_created`, keeping every fractional digit: the output format prints 3 to 9
 * digits as needed, and the field is `date_nanos`. An `@timestamp` that arrived (Winlogbeat) wins
 * and is checked first: a data stream refuses a document whose timestamp does not parse, so a bad
 * one is moved to `evforge.invalid`, and `time_created` (or else the ingest time) is used.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/date-processor.html
 */
function timestampStage(): Processor[] {
  return [
    ...checkTimestamp('timestamp_check'),
    {
      date: {
        tag: 'timestamp_time_created',
        if: script(painless.PRESENT_AND_ABSENT, { present: ['winlog', 'time_created'], absent: ['@timestamp'] }),
        field: 'winlog.time_created',
        target_field: '@timestamp',
        formats: ['ISO8601', 'UNIX_MS'],
        output_format: 'strict_date_optional_time_nanos',
        on_failure: tagFailure('fail_time_created', 'winlog.time_created is not a date').map(quiet) as estypes.IngestProcessorContainer[],
      },
    },
    { set: { tag: 'timestamp_fallback', field: '@timestamp', value: '{{{_ingest.timestamp}}}', override: false } },
  ];
}

/** The processor with `ignore_failure`: for steps whose own failure must not refuse the document. */
function quiet<T extends Processor>(p: T): T {
  const [type, body] = Object.entries(p as object)[0] as [string, Record<string, unknown>];
  return { [type]: { ...body, ignore_failure: true } } as unknown as T;
}

/** Parses `@timestamp` in place; a value that does not parse goes to `evforge.invalid`. */
function checkTimestamp(tag: string): Processor[] {
  return [
    {
      date: {
        tag,
        if: script(painless.IS_PRESENT, { path: ['@timestamp'] }),
        field: '@timestamp',
        target_field: '@timestamp',
        formats: ['ISO8601', 'UNIX_MS'],
        output_format: 'strict_date_optional_time_nanos',
        // Each step is allowed to fail: a failing on_failure would refuse the document.
        on_failure: [
          { script: { tag: `${tag}_quarantine`, lang: 'painless', source: painless.QUARANTINE, params: { path: ['@timestamp'] } } },
          ...tagFailure(`${tag}_failed`, '@timestamp is not a date (kept in evforge.invalid; time_created or the ingest time is used)'),
        ].map(quiet) as estypes.IngestProcessorContainer[],
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

/**
 * One ECS target of one field. A value a collector already put there is never overwritten (each
 * write is skipped when the target exists); a value that cannot be converted is moved to
 * `evforge.invalid`. A new derivation without a branch here fails to compile.
 */
function targetProcessors(f: Field, t: EcsTarget, caps: EngineCapabilities): Processor[] {
  const from = `${EVENT_DATA}.${f.name}`;
  const tag = `ecs_${t.field.replace(/\./g, '_')}`;
  const onFailure = fieldFailure(f.name, t.field);
  const absent = script(painless.IS_ABSENT, { path: split(t.field) });
  const derive = t.derive;
  switch (derive) {
    case 'copy':
      break;
    case 'basename':
      return [{ script: { tag, lang: 'painless', source: painless.BASENAME, params: { from: split(from), to: split(t.field) }, on_failure: onFailure as estypes.IngestProcessorContainer[] } }];
    case 'lowercase':
    case 'uppercase':
      return [{ [derive]: { tag, if: absent, field: from, target_field: t.field, ignore_missing: true, on_failure: onFailure } } as Processor];
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
        { convert: { tag, if: absent, field: from, target_field: t.field, type: t.type, ignore_missing: true, on_failure: onFailure as estypes.IngestProcessorContainer[] } },
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
      return [{ convert: { tag, if: absent, field: from, target_field: t.field, type: 'boolean', ignore_missing: true, on_failure: onFailure as estypes.IngestProcessorContainer[] } }];
    case 'keyword':
    case 'ip':
    case 'date':
    case 'date_nanos':
      return [copy(caps, tag, from, t.field, false)];
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

type ShapeTree = { [name: string]: ShapeTree | string };

/** The mapping's declared fields as a tree, for the shape guard. */
export function shapeTree(def: EventDefinition): ShapeTree {
  const root: ShapeTree = {};
  for (const f of indexFields(def)) {
    const parts = split(f.path);
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node = (typeof next === 'object' ? next : (node[part] = {})) as ShapeTree;
    }
    node[parts.at(-1)!] = f.type === 'object' ? 'disabled' : f.type;
  }
  return root;
}

function guardStage(def: EventDefinition, tag: string): Processor[] {
  return [{ script: { tag, lang: 'painless', source: painless.SHAPE_GUARD, params: { tree: shapeTree(def) } } }];
}

/**
 * Keeps every document: marks it, says why, makes sure it has the `@timestamp` a data stream
 * requires, and moves anything of the wrong shape aside so the engine can index it. Elastic's
 * integration pipelines end the same way.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/ingest.html#handling-pipeline-failures
 */
function onFailure(def: EventDefinition, caps: EngineCapabilities): Processor[] {
  const where = caps.onFailurePipeline ? ' in pipeline {{{_ingest.on_failure_pipeline}}}' : '';
  // Nothing here may fail in turn (that would refuse the document), hence ignore_failure: the
  // guard first, so `event` and `error` are objects before anything is written into them.
  return [
    ...guardStage(def, 'on_failure_shape_guard').map(quiet),
    quiet({ set: { tag: 'on_failure_kind', field: 'event.kind', value: 'pipeline_error' } }),
    quiet({
      append: {
        tag: 'on_failure_message',
        field: 'error.message',
        value: `Processor {{{_ingest.on_failure_processor_type}}} with tag {{{_ingest.on_failure_processor_tag}}}${where} failed with message: {{{_ingest.on_failure_message}}}`,
      },
    }),
    ...checkTimestamp('on_failure_timestamp_check'),
    quiet({ set: { tag: 'on_failure_timestamp', field: '@timestamp', value: '{{{_ingest.timestamp}}}', override: false } }),
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
    ...shapeStage(),
    ...aliasStage(def),
    ...rawTextStage(def),
    ...headerStage(def),
    ...timestampStage(),
    ...messageStage(def),
    ...nullTokenStage(def),
    ...ecsStage(def, caps),
    ...cleanupStage(),
    ...guardStage(def, 'shape_guard'),
  ];
  return {
    description,
    version: objectVersion(def.schemaVersion),
    ...(caps.pipelineMeta ? { _meta: { ...meta } } : {}),
    processors,
    on_failure: onFailure(def, caps),
  };
}
