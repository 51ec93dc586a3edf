/**
 * The definition's shape, written once: each key with its type, its allowed values and what it means.
 * These are JSON Schemas (ajv validates them; scripts/build.mjs compiles them to code) and TypeScript
 * infers the input types from them (`Static`, read by types.ts, which adds only the generic layer that
 * keeps field names literal).
 *
 * TypeBox, because its builders return plain JSON Schema objects whose TypeScript types follow
 * (zod v4 validates with its own engine and converts to JSON Schema, and ajv's `JSONSchemaType<T>`
 * only checks two hand-kept twins agree); it is loaded to build them, never by a run of the compiled
 * CLI or library, which read the schema the build wrote as data (scripts/build.mjs).
 * @see https://github.com/sinclairzx81/typebox
 *
 * `Type.Unsafe<T>` marks where the compile-time type is narrower than the schema on purpose: a plain
 * ECS name or category is checked against the bundled ECS table by validate.ts (a located message
 * with a suggestion), and a detection's selections are typed by the definition's own field names.
 */
import { Type } from 'typebox';
import { INDEX_TYPES, type SigmaDetection, type SigmaSelection } from '../terms.ts';
import type { EcsEventCategory, EcsEventType, EcsFieldName } from './ecs.ts';
import { PATTERNS, UNSUPPORTED_DETECTION_KEYS } from './patterns.ts';
import { DERIVATIONS, SIGMA_LEVELS, SIGMA_STATUSES } from './vocabulary.ts';
import { WINDOWS_LEVELS, WINDOWS_TYPES, type WindowsLevel } from './windows-types.ts';

const text = Type.String({ minLength: 1 });
const textList = Type.Array(text);
/** An object that refuses keys it does not name (each refused with "did you mean"). */
const closed = { additionalProperties: false } as const;
const levels = Object.keys(WINDOWS_LEVELS).map(Number).filter((n): n is WindowsLevel => Object.hasOwn(WINDOWS_LEVELS, n));
/** A version of an event: Windows stores it in one byte. */
const eventVersion = Type.Integer({ minimum: 0, maximum: 255 });

/* ──────────────────────────── fields ──────────────────────────── */

/** An ECS field filled from this field; `type` is required only for fields outside the bundled ECS table. */
export const ecsTargetSchema = Type.Object(
  {
    field: Type.Unsafe<EcsFieldName | (string & {})>(Type.String({ pattern: PATTERNS.indexPath })),
    /** How the value is derived on its way to the target (`DERIVATIONS`); the value itself when absent. */
    derive: Type.Optional(Type.Enum(DERIVATIONS)),
    type: Type.Optional(Type.Enum(INDEX_TYPES)),
    /**
     * The name of a lookup table of the definition's `tables`: the target gets the table's text for
     * the field's value (LogonType "3" → "Network"); a value the table lacks fills nothing.
     */
    lookup: Type.Optional(Type.String({ pattern: PATTERNS.tableName })),
  },
  closed,
);

/** A Windows type a field had up to a version, before the one it has now. */
export const earlierTypeSchema = Type.Object({ type: Type.Enum(WINDOWS_TYPES), until: eventVersion }, closed);

export const fieldSchema = Type.Object(
  {
    /** The canonical `<Data Name="…">` of the event template. */
    name: Type.String({ pattern: PATTERNS.fieldName }),
    type: Type.Enum(WINDOWS_TYPES),
    description: text,
    /** Older names of the same field (earlier manifests, older collectors). */
    aliases: Type.Optional(Type.Array(Type.String({ pattern: PATTERNS.fieldName }))),
    /** Values that mean "no value", e.g. `(NULL)`, `-` or `""`; dropped by the pipeline. "" may be one: an empty value then leaves the event data too. */
    nullTokens: Type.Optional(Type.Array(Type.String())),
    /** ECS fields filled from this one: a name of the bundled ECS table, or a target. */
    ecs: Type.Optional(
      Type.Array(
        Type.Union([Type.Unsafe<EcsFieldName>(Type.String({ pattern: PATTERNS.indexPath })), ecsTargetSchema], {
          description: `an ECS field name, e.g. 'process.pid', or { field, derive?, type?, lookup? }, e.g. { field: 'process.name', derive: 'basename' }`,
        }),
      ),
    ),
    examples: Type.Optional(Type.Array(Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'], description: "a value the event carries, e.g. 720 or 'C:\\Windows\\System32\\lsass.exe'" }))),
    /**
     * The first version of the event that carries this field; absent, every version the definition
     * describes has it. A definition covers all versions of its event id (`version` is the newest).
     */
    since: Type.Optional(eventVersion),
    /** The last version that carries this field (Windows no longer writes it after); absent, the newest has it. */
    until: Type.Optional(eventVersion),
    /** The field's Windows types in older versions, oldest first: `{ type: 'UInt32', until: 0 }` = UInt32 up to version 0. */
    earlierTypes: Type.Optional(Type.Array(earlierTypeSchema, { minItems: 1 })),
    /** Windows writes a list of values (the template's `count`). */
    array: Type.Optional(Type.Boolean()),
  },
  closed,
);

/* ──────────────────────────── detections (Sigma model) ──────────────────────────── */

/** An example event for rule tests: inline (`event`), or a JSON file relative to the definition (`file`); exactly one of them. */
export const eventRefSchema = Type.Object(
  {
    name: text,
    file: Type.Optional(text),
    event: Type.Optional(Type.Unsafe<Readonly<Record<string, unknown>>>({ type: 'object' })),
  },
  closed,
);

/** A rule's `detection`: the condition, the selections by name (typed by the definition's field names in types.ts), and Sigma's keys evforge refuses by name. */
const sigmaDetectionSchema = Type.Unsafe<SigmaDetection>(
  Type.Object(
    {
      condition: Type.String({ minLength: 1, description: "a condition over the selections, e.g. 'selection and not filter'" }),
      ...Object.fromEntries(Object.entries(UNSUPPORTED_DETECTION_KEYS).map(([key, u]) => [key, Type.Optional(Type.Never({ description: u.message }))])),
    },
    {
      additionalProperties: Type.Unsafe<SigmaSelection>({
        description: 'a selection: a map of fields to values, e.g. { EventID: 8002 }, or a list of such maps (matching any of them)',
        anyOf: [
          { type: 'object', minProperties: 1 },
          { type: 'array', minItems: 1, items: { type: 'object', minProperties: 1 } },
        ],
      }),
    },
  ),
);

export const detectionSchema = Type.Object(
  {
    /** Sigma rule id (UUID); also the Kibana `rule_id`. */
    id: Type.String({ pattern: PATTERNS.uuid }),
    title: Type.String({ minLength: 1, maxLength: 256 }),
    /** File name of the rule (SigmaHQ's convention: `win_susp_ntlm_auth`); derived from the title and log source when absent. */
    name: Type.Optional(Type.String({ pattern: PATTERNS.sigmaName })),
    status: Type.Enum(SIGMA_STATUSES),
    description: text,
    author: text,
    date: Type.String({ pattern: PATTERNS.isoDate }),
    modified: Type.Optional(Type.String({ pattern: PATTERNS.isoDate })),
    references: Type.Optional(Type.Array(text, { uniqueItems: true })),
    /** Sigma tags, e.g. `attack.lateral-movement`, `attack.t1550.002`. */
    tags: Type.Optional(Type.Array(Type.String(), { uniqueItems: true })),
    falsepositives: Type.Optional(Type.Array(Type.String({ minLength: 2 }), { uniqueItems: true })),
    level: Type.Enum(SIGMA_LEVELS),
    /** SPDX id of the rule's licence, e.g. `DRL-1.1` for rules derived from SigmaHQ. */
    license: Type.Optional(text),
    /** Where the rule comes from (kept with the licence's attribution). */
    source: Type.Optional(Type.Object({ url: Type.String({ pattern: '^https?://' }), note: Type.Optional(text) }, closed)),
    logsource: Type.Object({ product: Type.Optional(text), service: Type.Optional(text), category: Type.Optional(text), definition: Type.Optional(text) }, { ...closed, minProperties: 1 }),
    detection: sigmaDetectionSchema,
    fields: Type.Optional(textList),
    /** Events the rule must match (positives) and must not match (negatives). */
    tests: Type.Optional(Type.Object({ positives: Type.Array(eventRefSchema), negatives: Type.Array(eventRefSchema) }, closed)),
  },
  closed,
);

/* ──────────────────────────── lookup tables, outcome ──────────────────────────── */

/**
 * A table of values → text, shared by definitions (Windows logon types, NTSTATUS codes, `%%nnnn`
 * parameter strings). It is data in the pipeline's params, written once whatever the number of
 * definitions that use it, and a lookup costs one map get whatever its size.
 */
export const tableSchema = Type.Object(
  {
    /** Lowercase dotted name, e.g. `windows.logon_types`: one name means one table in every data stream. */
    name: Type.String({ pattern: PATTERNS.tableName }),
    /** Value as the event writes it → its text. Keys written `0x…` match hex text in any case and with any leading zeros. */
    entries: Type.Unsafe<Readonly<Record<string, string>>>({
      type: 'object',
      minProperties: 1,
      additionalProperties: Type.String({ minLength: 1, description: "the text of a value, e.g. { '3': 'Network' }" }),
    }),
  },
  closed,
);

const outcomeValues = Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true });
const outcomeField = Type.String({ pattern: PATTERNS.fieldName });
/**
 * `event.outcome` from one of the event's fields instead of its audit keywords: the values that
 * mean success (any other value means failure), or the values that mean failure (any other means
 * success). An event without the field, or with it empty, keeps the outcome of its keywords.
 */
export const outcomeSchema = Type.Union(
  [Type.Object({ field: outcomeField, success: outcomeValues }, closed), Type.Object({ field: outcomeField, failure: outcomeValues }, closed)],
  { description: "{ field, success: [values] } or { field, failure: [values] }, e.g. { field: 'Status', success: ['0x0'] }" },
);

/* ──────────────────────────── the event ──────────────────────────── */

/** The definition: its run-time schema (`$id`) and, through types.ts, `EventDefinitionInput`. */
export const definitionSchema = Type.Object(
  {
    /** Slug used for the output folder, e.g. `ntlm-8002`. */
    name: Type.String({ pattern: PATTERNS.slug }),
    /** Semantic version of the generated schema; bump it when artifacts change. */
    schemaVersion: Type.String({ pattern: PATTERNS.semver }),
    title: text,
    description: text,
    provider: Type.Object({ name: text, guid: Type.String({ pattern: PATTERNS.guid }) }, closed),
    channel: text,
    eventId: Type.Integer({ minimum: 0, maximum: 65535 }),
    /** The newest version of the event the definition describes (fields say `since` and `until` for older ones). */
    version: eventVersion,
    level: Type.Enum(levels),
    task: Type.Object({ value: Type.Integer({ minimum: 0, maximum: 65535 }), name: text }, closed),
    opcode: Type.Object({ value: Type.Integer({ minimum: 0, maximum: 255 }), name: text }, closed),
    /** Keyword mask as written in the manifest, e.g. `0x8000000000000000`. */
    keywords: Type.String({ pattern: PATTERNS.hex64 }),
    /** Message template with `%1…%n` inserts (`%n` newline, `%t` tab, `%%` percent). */
    message: text,
    /** ECS `data_stream.dataset`; the data stream is `logs-<dataset>-<namespace>`. */
    dataset: Type.String({ pattern: PATTERNS.dataset, maxLength: 100 }),
    ecs: Type.Optional(
      Type.Object(
        {
          category: Type.Optional(Type.Array(Type.Unsafe<EcsEventCategory>(Type.String()), { uniqueItems: true })),
          type: Type.Optional(Type.Array(Type.Unsafe<EcsEventType>(Type.String()), { uniqueItems: true })),
          action: Type.Optional(text),
        },
        closed,
      ),
    ),
    /**
     * The event's data is written in `<UserData>`, inside this one element (its own namespace), instead
     * of `<EventData>`: e.g. Security 1102 `{ element: 'LogFileCleared', namespace: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }`.
     */
    userData: Type.Optional(Type.Object({ element: Type.String({ pattern: PATTERNS.xmlName }), namespace: Type.Optional(text) }, closed)),
    /**
     * A table of `tables` naming the other task numbers the event is logged with (Security-Auditing
     * logs an event under the audit subcategory that audited it: 4625 under Logon, 12544, or Account
     * Lockout, 12546); `task` stays the one the definition describes.
     */
    taskNames: Type.Optional(Type.String({ pattern: PATTERNS.tableName })),
    /** `event.outcome` from a field (e.g. 4776's Status: `{ field: 'Status', success: ['0x0'] }`) rather than the audit keywords. */
    outcome: Type.Optional(outcomeSchema),
    /** The lookup tables the fields' ECS targets name (`lookup`), usually imported from a shared module. */
    tables: Type.Optional(Type.Array(tableSchema)),
    /** The event's data, in the order of the template (`%1` is the first). Events without data exist (Security 4608 "Windows is starting up"): no fields is valid. */
    fields: Type.Array(fieldSchema),
    detections: Type.Optional(Type.Array(detectionSchema)),
  },
  { $id: 'https://evforge.dev/schema/event-definition.json', ...closed },
);
