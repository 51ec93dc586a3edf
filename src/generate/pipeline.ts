import type { estypes } from '@elastic/elasticsearch';
import { eventKey, type Bundle } from '../definition/bundle.ts';
import { EVENT_DATA, HEADER_FIELDS, UNRECOGNIZED_TAG } from '../definition/header.ts';
import type { EcsTarget, EventDefinition, Field } from '../definition/model.ts';
import { WINDOWS_LEVELS, WINDOWS_TYPE_SPECS, type WindowsTypeSpec } from '../definition/windows-types.ts';
import { assertNever } from '../errors.ts';
import { ENGINES, type EngineCapabilities, type Target } from './engines.ts';
import { bundleFields } from './fields.ts';
import { perDefinition } from './per-definition.ts';
import { bundleMeta, bundleVersion, objectNames, ownersText } from './naming.ts';
import { describeEvents } from './templates.ts';
import * as painless from './painless.ts';

export type Processor = estypes.IngestProcessorContainer;

export interface PipelineBody {
  description: string;
  version: number;
  _meta?: Record<string, unknown>;
  processors: Processor[];
  on_failure: Processor[];
}

const script = (source: string, params: Record<string, unknown>): estypes.Script => ({ source, params });
const split = (path: string): string[] => path.split('.');

/** The processor with `ignore_failure`: for steps whose own failure must not refuse the document. */
function quiet<T extends Processor>(p: T): T {
  const [type, body] = Object.entries(p as object)[0] as [string, Record<string, unknown>];
  return { [type]: { ...body, ignore_failure: true } } as unknown as T;
}

/** Marks the event and records why, for a failure that costs one value, not the event. */
function tagFailure(tag: string, what: string): Processor[] {
  return [
    { set: { tag: `${tag}_kind`, field: 'event.kind', value: 'pipeline_error' } },
    { append: { tag: `${tag}_message`, field: 'error.message', value: `${what}: {{{_ingest.on_failure_message}}}` } },
  ];
}

/* ──────────────────────────── the normalization script's params ──────────────────────────── */

type TargetOp = 'copy' | 'basename' | 'lowercase' | 'uppercase' | 'long' | 'double' | 'boolean' | 'append';

interface TargetParam {
  field: string;
  target: string;
  to: string[];
  op: TargetOp;
  type?: string;
  min?: number;
  max?: number;
}

/** How one ECS target is filled. A new derivation or type without a branch here fails to compile. */
function targetParam(f: Field, t: EcsTarget): TargetParam {
  const base = { field: f.name, target: t.field, to: split(t.field) };
  const derive = t.derive;
  switch (derive) {
    case 'basename':
    case 'lowercase':
    case 'uppercase':
      return { ...base, op: derive };
    case 'copy':
      break;
    default:
      return assertNever(derive, 'derivation');
  }
  if (t.array) return { ...base, op: 'append' };
  const spec: WindowsTypeSpec = WINDOWS_TYPE_SPECS[f.type];
  switch (t.type) {
    case 'long':
      return spec.range ? { ...base, op: 'long', type: f.type, min: Number(spec.range[0]), max: Number(spec.range[1]) } : { ...base, op: 'long', type: f.type };
    case 'double':
      return { ...base, op: 'double' };
    case 'boolean':
      return { ...base, op: 'boolean' };
    case 'keyword':
    case 'ip':
    case 'date':
    case 'date_nanos':
      return { ...base, op: 'copy' };
    default:
      return assertNever(t.type, 'ECS target type');
  }
}

type ShapeTree = { [name: string]: ShapeTree | string };

/** The mapping's declared fields as a tree, for the shape guard (shared by both engines' pipelines and failure handlers). */
export const shapeTree = perDefinition(buildShapeTree);

function buildShapeTree(bundle: Bundle): ShapeTree {
  const root: ShapeTree = {};
  for (const f of bundleFields(bundle)) {
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

/** What the script does for one recognized event, as data. */
function eventParams(def: EventDefinition) {
  return {
    name: def.name,
    channel: def.channel.toLowerCase(),
    aliases: def.fields.flatMap((f) => f.aliases.map((alias) => ({ from: alias, to: f.name }))),
    names: (['task', 'opcode'] as const).map((key) => ({ path: ['winlog', key], value: String(def[key].value), name: def[key].name })),
    defaults: [{ path: split('event.action'), value: def.ecs.action }],
    appends: [
      ...(def.ecs.category.length ? [{ path: split('event.category'), values: [...def.ecs.category] }] : []),
      ...(def.ecs.type.length ? [{ path: split('event.type'), values: [...def.ecs.type] }] : []),
    ],
    parts: def.messageParts.map((p) => (typeof p === 'string' ? p : { field: def.fields[p.insert - 1]!.name })),
    nullTokens: Object.fromEntries(def.fields.filter((f) => f.nullTokens.length > 0).map((f) => [f.name, [...f.nullTokens]])),
    targets: def.fields.flatMap((f) => f.ecs.map((t) => targetParam(f, t))),
  };
}

/** `{AC43300D-…}` and `ac43300d-…` are the same provider GUID. */
export const guidKey = (guid: string) => guid.replace(/[{}]/g, '').toUpperCase();

/**
 * Everything the normalization script needs to know, as data: the header steps every event of the
 * data stream gets, and a dispatch table from provider + event id to each event's own steps.
 */
export const normalizeParams = perDefinition(buildNormalizeParams);

function buildNormalizeParams(bundle: Bundle) {
  return {
    header: HEADER_FIELDS.map((h) => ({ from: split(h.system), to: split(h.target) })),
    eventData: split(EVENT_DATA),
    eventDataName: EVENT_DATA,
    text: HEADER_FIELDS.filter((h) => 'toText' in h && h.toText).map((h) => split(h.target)),
    providerName: split('winlog.provider_name'),
    providerGuid: split('winlog.provider_guid'),
    eventId: split('winlog.event_id'),
    channel: split('winlog.channel'),
    level: split('winlog.level'),
    /** Provider GUID → name, for events that carry only the GUID. */
    guids: Object.fromEntries(bundle.events.map((e) => [guidKey(e.provider.guid), e.provider.name.toLowerCase()])),
    events: Object.fromEntries(bundle.events.map((e) => [eventKey(e.provider.name, e.eventId), eventParams(e)])),
    copies: [
      { from: split('winlog.event_id'), to: split('event.code') },
      { from: split('winlog.provider_name'), to: split('event.provider') },
      { from: split('winlog.computer_name'), to: split('host.name') },
    ],
    defaults: [
      { path: split('event.kind'), value: 'event' },
      { path: split('event.module'), value: 'windows' },
      { path: split('event.dataset'), value: bundle.dataset },
    ],
    /** Numeric level → `log.level` as Winlogbeat writes it. */
    levels: Object.fromEntries(Object.entries(WINDOWS_LEVELS).map(([n, l]) => [n, l.logLevel])),
    logLevel: split('log.level'),
    recognized: split('evforge.event'),
    unrecognized: split('evforge.unrecognized'),
    unrecognizedTag: UNRECOGNIZED_TAG,
    timeCreated: split('winlog.time_created'),
    tree: shapeTree(bundle),
  };
}

/* ──────────────────────────── timestamps ──────────────────────────── */

/** The failure handler still checks `@timestamp` natively: the script may not have run at all. */
const DATE = { formats: ['ISO8601', 'UNIX_MS'], target_field: '@timestamp', output_format: 'strict_date_optional_time_nanos' };

/** Parses `@timestamp` in place; a value that does not parse goes to `evforge.invalid`. */
function checkTimestamp(tag: string): Processor[] {
  return [
    {
      date: {
        tag,
        if: script(painless.IS_PRESENT, { path: ['@timestamp'] }),
        field: '@timestamp',
        ...DATE,
        // Each step is allowed to fail: a failing on_failure would refuse the document.
        on_failure: [
          { script: { tag: `${tag}_quarantine`, lang: 'painless', source: painless.QUARANTINE, params: { path: ['@timestamp'] } } },
          ...tagFailure(`${tag}_failed`, '@timestamp is not a date (kept in evforge.invalid; time_created or the ingest time is used)'),
        ].map(quiet),
      },
    },
  ];
}

/**
 * `@timestamp` is set by the script (an arrived one wins if it parses, else `time_created`, keeping
 * every fractional digit: 3 to 9 digits as the date processor's strict_date_optional_time_nanos
 * prints them); only an event with neither gets the ingest time here. A data stream refuses a
 * document without a valid timestamp.
 */
function timestampFallback(tag: string): Processor {
  // The condition is cheaper than the template the set processor would render for every event.
  return { set: { tag, if: script(painless.IS_ABSENT, { path: ['@timestamp'] }), field: '@timestamp', value: '{{{_ingest.timestamp}}}' } };
}

/* ──────────────────────────── failure handling ──────────────────────────── */

/**
 * Keeps every document: the shape guard first (so `event` and `error` are objects), then marked and
 * explained, with an `@timestamp`. Nothing here may fail in turn (that would refuse the document).
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/ingest.html#handling-pipeline-failures
 */
function onFailure(bundle: Bundle, caps: EngineCapabilities): Processor[] {
  const where = caps.onFailurePipeline ? ' in pipeline {{{_ingest.on_failure_pipeline}}}' : '';
  return [
    quiet({ script: { tag: 'on_failure_shape_guard', lang: 'painless', source: painless.SHAPE_GUARD, params: { tree: shapeTree(bundle) } } }),
    quiet({ set: { tag: 'on_failure_kind', field: 'event.kind', value: 'pipeline_error' } }),
    quiet({
      append: {
        tag: 'on_failure_message',
        field: 'error.message',
        value: `Processor {{{_ingest.on_failure_processor_type}}} with tag {{{_ingest.on_failure_processor_tag}}}${where} failed with message: {{{_ingest.on_failure_message}}}`,
      },
    }),
    ...checkTimestamp('on_failure_timestamp_check'),
    quiet(timestampFallback('on_failure_timestamp')),
  ];
}

/**
 * The data stream's one ingest pipeline: both input shapes in, Winlogbeat/ECS out, in three
 * processors. The 64-bit keyword mask becomes text first (OpenSearch scripts refuse an integer
 * beyond 2^63); one params-driven script normalizes the header of every event, recognizes the event
 * by provider + event id + channel and applies that event's own steps, or marks it unrecognized
 * (see painless.ts for why one script); an event with no time at all gets the ingest time.
 * Every processor is tagged.
 */
export function buildPipeline(bundle: Bundle, target: Target): PipelineBody {
  const caps = ENGINES[target];
  const processors: Processor[] = [
    {
      convert: {
        tag: 'text_keywords',
        field: 'system.keywords',
        type: 'string',
        ignore_missing: true,
        on_failure: tagFailure('fail_text_keywords', 'system.keywords could not be turned into text').map(quiet),
      },
    },
    { script: { tag: 'normalize', lang: 'painless', source: painless.NORMALIZE, params: normalizeParams(bundle) } },
    timestampFallback('timestamp_fallback'),
  ];
  const what = `Data stream ${objectNames(bundle).indexPattern}: ${describeEvents(bundle)} → ECS`;
  return {
    // OpenSearch pipelines have no _meta: the description carries the owners there.
    description: caps.pipelineMeta ? `${what} (evforge)` : `${what} (${ownersText(bundle)})`,
    version: bundleVersion(bundle),
    ...(caps.pipelineMeta ? { _meta: { ...bundleMeta(bundle) } } : {}),
    processors,
    on_failure: onFailure(bundle, caps),
  };
}
