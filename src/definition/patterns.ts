import { SIGMA_NAME_PATTERN } from './sigma-name.ts';

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
