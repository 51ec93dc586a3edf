import type { estypes } from '@elastic/elasticsearch';
import type { Bundle } from '../definition/bundle.ts';
import { EVENT_DATA } from '../definition/header.ts';
import { WINDOWS_LEVELS } from '../definition/windows-types.ts';
import { ENGINES, type EngineCapabilities, type Target } from './engines.ts';
import { bundleFields } from './fields.ts';
import { perDefinition } from './per-definition.ts';
import { bundleMeta, bundleVersion, objectNames, ownersText } from './naming.ts';
import { describeEvents } from './templates.ts';
import * as painless from './painless.ts';
import type { PainlessSources } from './painless.ts';

export type Processor = estypes.IngestProcessorContainer;

export interface PipelineBody {
  description: string;
  version: number;
  _meta?: Record<string, unknown>;
  processors: Processor[];
  on_failure: Processor[];
}

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

/** Data the scripts look up (not code): level names and the mapping's shape. */
export const scriptParams = perDefinition((bundle: Bundle) => ({
  /** Numeric level → `log.level` as Winlogbeat writes it. */
  levels: Object.fromEntries(Object.entries(WINDOWS_LEVELS).map(([n, l]) => [n, l.logLevel])),
  tree: shapeTree(bundle),
}));

/* ──────────────────────────── timestamps ──────────────────────────── */

/**
 * `@timestamp` is set by the script (an arrived one wins if it parses, else `time_created`, keeping
 * every fractional digit: 3 to 9 digits as the date processor's strict_date_optional_time_nanos
 * prints them); only an event with neither gets the ingest time here. A data stream refuses a
 * document without a valid timestamp.
 */
function timestampFallback(tag: string): Processor {
  // `override: false` renders the template only when @timestamp is missing, and costs no condition
  // script per event (an `if` runs a script over a read-only copy of the document).
  // @see https://opensearch.org/docs/2.19/ingest-pipelines/processors/set/
  return { set: { tag, field: '@timestamp', value: '{{{_ingest.timestamp}}}', override: false } };
}

/* ──────────────────────────── failure handling ──────────────────────────── */

/**
 * Keeps every document: the shape guard first (so `event` and `error` are objects), then marked and
 * explained, with an `@timestamp`. Nothing here may fail in turn (that would refuse the document).
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/ingest.html#handling-pipeline-failures
 */
function onFailure(bundle: Bundle, caps: EngineCapabilities, src: PainlessSources): Processor[] {
  const where = caps.onFailurePipeline ? ' in pipeline {{{_ingest.on_failure_pipeline}}}' : '';
  return [
    quiet({ script: { tag: 'on_failure_shape_guard', lang: 'painless', source: painless.onFailureSource(src), params: { tree: shapeTree(bundle) } } }),
    quiet({ set: { tag: 'on_failure_kind', field: 'event.kind', value: 'pipeline_error' } }),
    quiet({
      append: {
        tag: 'on_failure_message',
        field: 'error.message',
        value: `Processor {{{_ingest.on_failure_processor_type}}} with tag {{{_ingest.on_failure_processor_tag}}}${where} failed with message: {{{_ingest.on_failure_message}}}`,
      },
    }),
    quiet(timestampFallback('on_failure_timestamp')),
  ];
}

/**
 * Where a 64-bit unsigned value (UInt64, the HexInt64 keyword mask) may arrive as a JSON number:
 * OpenSearch's scripts refuse a document holding an integer beyond 2^63 − 1 wherever it is, so
 * these become exact text first, each with a `convert` (about 1 µs an event). The header's record id
 * and keywords in both shapes, and every UInt64 field of the members (canonical and older names,
 * both shapes). A value past 2^63 anywhere else still stops the script: the event is kept and
 * marked by the failure handler, and `evforge replay` sends such numbers as text in the first place.
 */
export const sixtyFourBitPaths = perDefinition((bundle: Bundle): { tag: string; field: string }[] => {
  const header = [
    { tag: 'text_keywords', field: 'system.keywords' },
    { tag: 'text_winlog_keywords', field: 'winlog.keywords' },
    { tag: 'text_record_id', field: 'system.event_record_id' },
    { tag: 'text_winlog_record_id', field: 'winlog.record_id' },
  ];
  const names = [...new Set(bundle.events.flatMap((e) => e.fields.filter((f) => f.type === 'UInt64').flatMap((f) => [f.name, ...f.aliases])))].sort();
  const data = names.flatMap((n, i) => [
    { tag: `text_event_data_${i + 1}`, field: `event_data.${n}` },
    { tag: `text_winlog_event_data_${i + 1}`, field: `${EVENT_DATA}.${n}` },
  ]);
  return [...header, ...data];
});

/**
 * The data stream's one ingest pipeline: both input shapes in, Winlogbeat/ECS out, in three
 * processors. The 64-bit keyword mask becomes text first (OpenSearch scripts refuse an integer
 * beyond 2^63); one params-driven script normalizes the header of every event, recognizes the event
 * by provider + event id + channel and applies that event's own steps, or marks it unrecognized
 * (see painless.ts for why one script); an event with no time at all gets the ingest time.
 * Every processor is tagged.
 */
export function buildPipeline(bundle: Bundle, target: Target, src: PainlessSources): PipelineBody {
  const caps = ENGINES[target];
  const processors: Processor[] = [
    ...sixtyFourBitPaths(bundle).map(
      ({ tag, field }): Processor => ({
        convert: { tag, field, type: 'string', ignore_missing: true, on_failure: tagFailure(`fail_${tag}`, `${field} could not be turned into text`).map(quiet) },
      }),
    ),
    { script: { tag: 'normalize', lang: 'painless', source: painless.normalizeSource(bundle, src), params: scriptParams(bundle) } },
    timestampFallback('timestamp_fallback'),
  ];
  const what = `Data stream ${objectNames(bundle).indexPattern}: ${describeEvents(bundle)} → ECS`;
  return {
    // OpenSearch pipelines have no _meta: the description carries the owners there.
    description: caps.pipelineMeta ? `${what} (evforge)` : `${what} (${ownersText(bundle)})`,
    version: bundleVersion(bundle),
    ...(caps.pipelineMeta ? { _meta: { ...bundleMeta(bundle) } } : {}),
    processors,
    on_failure: onFailure(bundle, caps, src),
  };
}
