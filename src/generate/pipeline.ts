import type { estypes } from '@elastic/elasticsearch';
import type { Dataset } from '../definition/dataset.ts';
import { EVENT_DATA } from '../definition/header.ts';
import { ENGINES, type EngineCapabilities } from './engines.ts';
import { type Engine } from '../terms.ts';
import { perDefinition } from './per-definition.ts';
import { datasetMeta, datasetVersion, objectNames, ownersText } from './naming.ts';
import { describeEvents } from './templates.ts';
import * as painless from './painless.ts';
import type { PainlessSources } from './painless.ts';
import { scriptParams, shapeTree } from './pipeline-data.ts';

export { scriptParams, shapeTree } from './pipeline-data.ts';

export type Processor = estypes.IngestProcessorContainer;

export interface PipelineBody {
  description: string;
  version: number;
  _meta?: Record<string, unknown>;
  processors: Processor[];
  on_failure: Processor[];
}

/** `ignore_failure` on a processor whose own failure must not refuse the document. */
const QUIET = { ignore_failure: true } as const;

/** Marks the event and records why, for a failure that costs one value, not the event. */
function tagFailure(tag: string, what: string): Processor[] {
  return [
    { set: { tag: `${tag}_kind`, field: 'event.kind', value: 'pipeline_error', ...QUIET } },
    { append: { tag: `${tag}_message`, field: 'error.message', value: `${what}: {{{_ingest.on_failure_message}}}`, ...QUIET } },
  ];
}

/* ──────────────────────────── failure handling ──────────────────────────── */

/**
 * Keeps every document: the shape guard first (so `event` and `error` are objects), then marked and
 * explained, with an `@timestamp` (the event's own, else the ingest time: a data stream refuses a
 * document without one; `override: false` renders the template only when it is missing). Nothing
 * here may fail in turn (that would refuse the document).
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/ingest.html#handling-pipeline-failures
 */
function onFailure(dataset: Dataset, caps: EngineCapabilities, src: PainlessSources): Processor[] {
  const where = caps.onFailurePipeline ? ' in {{{_ingest.on_failure_pipeline}}}' : '';
  return [
    { script: { tag: 'on_failure_shape_guard', lang: 'painless', source: painless.onFailureSource(src), params: { tree: shapeTree(dataset) }, ...QUIET } },
    { set: { tag: 'on_failure_kind', field: 'event.kind', value: 'pipeline_error', ...QUIET } },
    {
      append: {
        tag: 'on_failure_message',
        field: 'error.message',
        value: `{{{_ingest.on_failure_processor_type}}} {{{_ingest.on_failure_processor_tag}}}${where} failed: {{{_ingest.on_failure_message}}}`,
        ...QUIET,
      },
    },
    { set: { tag: 'on_failure_timestamp', field: '@timestamp', value: '{{{_ingest.timestamp}}}', override: false, ...QUIET } },
  ];
}

/**
 * The raw shape's keyword mask. Its high bits are the channel bits (0x8000000000000000 in every
 * event of the NTLM channel), so in most raw events it is an integer beyond 2^63.
 */
const RAW_KEYWORDS = { tag: 'text_keywords', field: 'system.keywords' };

/** The header's 64-bit values, in both shapes: the script writes them as exact text itself. */
const HEADER_SIXTY_FOUR_BIT = [
  RAW_KEYWORDS,
  { tag: 'text_winlog_keywords', field: 'winlog.keywords' },
  { tag: 'text_record_id', field: 'system.event_record_id' },
  { tag: 'text_winlog_record_id', field: 'winlog.record_id' },
];

/**
 * Where a 64-bit unsigned value (UInt64, the HexInt64 keyword mask) may arrive as a JSON number: the
 * header's record id and keywords in both shapes, and every UInt64 field of the members (canonical
 * and older names, both shapes). They must become exact text, as Windows sends them: the script
 * does it for what it can see, and the engine's `convert` for a value beyond 2^63 − 1, which a
 * script on OpenSearch never sees (see `buildPipeline`). A value past 2^63 anywhere else still
 * stops the script: the event is kept and marked by the failure handler, and `evforge replay`
 * sends such numbers as text in the first place.
 */
export const sixtyFourBitPaths = perDefinition((dataset: Dataset): { tag: string; field: string }[] => {
  const names = [...new Set(dataset.events.flatMap((e) => e.fields.filter((f) => f.type === 'UInt64').flatMap((f) => [f.name, ...f.aliases])))].sort();
  const data = names.flatMap((n, i) => [
    { tag: `text_event_data_${i + 1}`, field: `event_data.${n}` },
    { tag: `text_winlog_event_data_${i + 1}`, field: `${EVENT_DATA}.${n}` },
  ]);
  return [...HEADER_SIXTY_FOUR_BIT, ...data];
});

/** A 64-bit value turned into text by the engine (keeps every digit), its failure marked. */
function textConvert({ tag, field }: { tag: string; field: string }, condition?: string): Processor {
  return {
    convert: { tag, field, type: 'string', ignore_missing: true, ...(condition ? { if: condition } : {}), on_failure: tagFailure(`fail_${tag}`, `${field} could not be turned into text`) },
  };
}

/**
 * Before a script that runs on a copy, the raw mask becomes text when it is a number: else most raw
 * events would fail the copy and take the failure path. The condition keeps `convert` off events
 * without one (Winlogbeat's shape): on a missing field `convert` costs an exception, which costs
 * more than the condition (bench/RESULTS.md, throughput).
 */
const RAW_KEYWORDS_CONDITION = 'def s = ctx.system; return s instanceof Map && s.keywords instanceof Number;';

/**
 * The data stream's one ingest pipeline: both input shapes in, Winlogbeat/ECS out. One script
 * normalizes the header of every event, recognizes the event by provider + event id + channel (a
 * lookup in its params) and applies that event's own spec, or marks it unrecognized (see
 * painless.ts for why one script, and why data rather than code per event);
 * it also writes 64-bit values as exact text and gives an event with no time the ingest time.
 * Where the engine runs scripts on a copy of the document (OpenSearch), a value beyond 2^63 fails
 * that copy before the script starts and leaves the document untouched: the script's failure
 * handler turns the 64-bit paths into text with `convert` and runs the same script again, so the
 * usual event pays for no `convert` but the raw mask's (each `convert` of a missing field costs an
 * exception, a large share of the pipeline's time). Elsewhere the conversions run first.
 * Every processor is tagged.
 */
export function buildPipeline(dataset: Dataset, engine: Engine, src: PainlessSources): PipelineBody {
  const caps = ENGINES[engine];
  const paths = sixtyFourBitPaths(dataset);
  const script = { tag: 'normalize', lang: 'painless', source: painless.normalizeSource(src, HEADER_SIXTY_FOUR_BIT.map((p) => p.field)), params: scriptParams(dataset) };
  const processors: Processor[] = caps.scriptOnCopy
    ? [textConvert(RAW_KEYWORDS, RAW_KEYWORDS_CONDITION), { script: { ...script, on_failure: [...paths.map((p) => textConvert(p)), { script }] } }]
    : [...paths.map((p) => textConvert(p)), { script }];
  const what = `Data stream ${objectNames(dataset.name).indexPattern}: ${describeEvents(dataset)} → ECS`;
  return {
    // OpenSearch pipelines have no _meta: the description carries the owners there.
    description: caps.pipelineMeta ? `${what} (evforge)` : `${what}\n(${ownersText(dataset)})`,
    version: datasetVersion(dataset),
    ...(caps.pipelineMeta ? { _meta: { ...datasetMeta(dataset) } } : {}),
    processors,
    on_failure: onFailure(dataset, caps, src),
  };
}
