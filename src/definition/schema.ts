import { INDEX_TYPES } from '../terms.ts';
import { SIGMA_NAME_PATTERN } from './sigma-name.ts';
import { DERIVATIONS, SIGMA_LEVELS, SIGMA_STATUSES } from './types.ts';
import { WINDOWS_LEVELS, WINDOWS_TYPES } from './windows-types.ts';

/** Shapes of names, shared by the schema and by error hints. */
export const PATTERNS = {
  /** Event data names become index field names: no dots (object paths), no spaces, no quotes. */
  fieldName: '^[A-Za-z_][A-Za-z0-9_]*$',
  slug: '^[a-z0-9][a-z0-9-]*[a-z0-9]$',
  /** Detection rule names: SigmaHQ's file name convention. */
  sigmaName: SIGMA_NAME_PATTERN,
  /** Data stream naming: lowercase, no `-` (it separates type, dataset and namespace). */
  dataset: '^[a-z0-9_]+(\\.[a-z0-9_]+)*$',
  semver: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$',
  guid: '^\\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\\}?$',
  uuid: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  hex64: '^0x[0-9A-Fa-f]{1,16}$',
  isoDate: '^\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$',
  /** An XML element name without prefix (the `<UserData>` element). */
  xmlName: '^[A-Za-z_][A-Za-z0-9_.-]*$',
  /** Index field paths for custom ECS-style targets. */
  indexPath: '^[a-z_@][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*$',
  /** Lookup table names: lowercase dotted words, e.g. `windows.logon_types`. */
  tableName: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$',
} as const;

/**
 * Keys of Sigma's `detection` that evforge does not support, refused by name with why and what to do
 * (docs/definitions.md lists them).
 */
export const UNSUPPORTED_DETECTION_KEYS = {
  timeframe: {
    message: 'timeframe is not supported: it is the time window of a Sigma aggregation (`| count() … > n`), and evforge compiles rules that match one event at a time',
    hint: 'remove timeframe; count the rule\'s matches over time in the alerting engine (e.g. a Kibana threshold rule on the generated query), or write a Sigma correlation rule beside the generated rule',
  },
} as const satisfies Record<string, { message: string; hint: string }>;


const text = { type: 'string', minLength: 1 } as const;
const textList = { type: 'array', items: text } as const;

const fieldSchema = {
  type: 'object',
  required: ['name', 'type', 'description'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: PATTERNS.fieldName },
    type: { enum: WINDOWS_TYPES },
    description: text,
    aliases: { type: 'array', items: { type: 'string', pattern: PATTERNS.fieldName } },
    // "" may be a null token: an empty value then leaves the event data too (it never reaches an ECS field anyway).
    nullTokens: { type: 'array', items: { type: 'string' } },
    ecs: {
      type: 'array',
      items: {
        description: `an ECS field name, e.g. 'process.pid', or { field, derive?, type?, lookup? }, e.g. { field: 'process.name', derive: 'basename' }`,
        anyOf: [
          { type: 'string', pattern: PATTERNS.indexPath },
          {
            type: 'object',
            required: ['field'],
            additionalProperties: false,
            properties: {
              field: { type: 'string', pattern: PATTERNS.indexPath },
              derive: { enum: DERIVATIONS },
              type: { enum: INDEX_TYPES },
              lookup: { type: 'string', pattern: PATTERNS.tableName },
            },
          },
        ],
      },
    },
    examples: { type: 'array', items: { type: ['string', 'number', 'boolean'], description: "a value the event carries, e.g. 720 or 'C:\\Windows\\System32\\lsass.exe'" } },
    since: { type: 'integer', minimum: 0, maximum: 255 },
    until: { type: 'integer', minimum: 0, maximum: 255 },
    earlierTypes: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type', 'until'],
        additionalProperties: false,
        properties: { type: { enum: WINDOWS_TYPES }, until: { type: 'integer', minimum: 0, maximum: 255 } },
      },
    },
    array: { type: 'boolean' },
  },
} as const;

const eventRefSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: text,
    file: text,
    event: { type: 'object' },
  },
} as const;

const detectionSchema = {
  type: 'object',
  required: ['id', 'title', 'status', 'description', 'author', 'date', 'level', 'logsource', 'detection'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: PATTERNS.uuid },
    title: { type: 'string', minLength: 1, maxLength: 256 },
    name: { type: 'string', pattern: PATTERNS.sigmaName },
    status: { enum: SIGMA_STATUSES },
    description: text,
    author: text,
    date: { type: 'string', pattern: PATTERNS.isoDate },
    modified: { type: 'string', pattern: PATTERNS.isoDate },
    references: { ...textList, uniqueItems: true },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    falsepositives: { type: 'array', items: { type: 'string', minLength: 2 }, uniqueItems: true },
    level: { enum: SIGMA_LEVELS },
    license: text,
    source: {
      type: 'object',
      required: ['url'],
      additionalProperties: false,
      properties: { url: { type: 'string', pattern: '^https?://' }, note: text },
    },
    logsource: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { product: text, service: text, category: text, definition: text },
    },
    detection: {
      type: 'object',
      required: ['condition'],
      properties: {
        condition: { ...text, description: "a condition over the selections, e.g. 'selection and not filter'" },
        ...Object.fromEntries(Object.entries(UNSUPPORTED_DETECTION_KEYS).map(([key, u]) => [key, { not: {}, description: u.message }])),
      },
      additionalProperties: {
        description: 'a selection: a map of fields to values, e.g. { EventID: 8002 }, or a list of such maps (matching any of them)',
        anyOf: [
          { type: 'object', minProperties: 1 },
          { type: 'array', minItems: 1, items: { type: 'object', minProperties: 1 } },
        ],
      },
    },
    fields: textList,
    tests: {
      type: 'object',
      required: ['positives', 'negatives'],
      additionalProperties: false,
      properties: {
        positives: { type: 'array', items: eventRefSchema },
        negatives: { type: 'array', items: eventRefSchema },
      },
    },
  },
} as const;

const tableSchema = {
  type: 'object',
  required: ['name', 'entries'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: PATTERNS.tableName },
    entries: {
      type: 'object',
      minProperties: 1,
      additionalProperties: { type: 'string', minLength: 1, description: "the text of a value, e.g. { '3': 'Network' }" },
    },
  },
} as const;

const outcomeValues = { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } } as const;
const outcomeSchema = {
  description: "{ field, success: [values] } or { field, failure: [values] }, e.g. { field: 'Status', success: ['0x0'] }",
  anyOf: [
    { type: 'object', required: ['field', 'success'], additionalProperties: false, properties: { field: { type: 'string', pattern: PATTERNS.fieldName }, success: outcomeValues } },
    { type: 'object', required: ['field', 'failure'], additionalProperties: false, properties: { field: { type: 'string', pattern: PATTERNS.fieldName }, failure: outcomeValues } },
  ],
} as const;

/** The run-time schema of `EventDefinitionInput`; the compile-time types say the same. */
export const definitionSchema = {
  $id: 'https://evforge.dev/schema/event-definition.json',
  type: 'object',
  required: [
    'name', 'schemaVersion', 'title', 'description', 'provider', 'channel', 'eventId', 'version', 'level',
    'task', 'opcode', 'keywords', 'message', 'dataset', 'fields',
  ],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: PATTERNS.slug },
    schemaVersion: { type: 'string', pattern: PATTERNS.semver },
    title: text,
    description: text,
    provider: {
      type: 'object',
      required: ['name', 'guid'],
      additionalProperties: false,
      properties: { name: text, guid: { type: 'string', pattern: PATTERNS.guid } },
    },
    channel: text,
    eventId: { type: 'integer', minimum: 0, maximum: 65535 },
    version: { type: 'integer', minimum: 0, maximum: 255 },
    level: { enum: Object.keys(WINDOWS_LEVELS).map(Number) },
    task: {
      type: 'object',
      required: ['value', 'name'],
      additionalProperties: false,
      properties: { value: { type: 'integer', minimum: 0, maximum: 65535 }, name: text },
    },
    opcode: {
      type: 'object',
      required: ['value', 'name'],
      additionalProperties: false,
      properties: { value: { type: 'integer', minimum: 0, maximum: 255 }, name: text },
    },
    keywords: { type: 'string', pattern: PATTERNS.hex64 },
    message: text,
    dataset: { type: 'string', pattern: PATTERNS.dataset, maxLength: 100 },
    ecs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        category: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        type: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        action: text,
      },
    },
    userData: {
      type: 'object',
      required: ['element'],
      additionalProperties: false,
      properties: { element: { type: 'string', pattern: PATTERNS.xmlName }, namespace: text },
    },
    taskNames: { type: 'string', pattern: PATTERNS.tableName },
    outcome: outcomeSchema,
    tables: { type: 'array', items: tableSchema },
    // Events without data exist (Security 4608 "Windows is starting up"): no fields is valid.
    fields: { type: 'array', items: fieldSchema },
    detections: { type: 'array', items: detectionSchema },
  },
} as const;
