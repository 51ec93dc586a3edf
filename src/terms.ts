/**
 * The few words every stage shares, at the ground floor so no folder has to import another's to
 * speak them: the engines, the objects a cluster holds, the index field types of a mapping, and
 * Sigma's value modifiers, values and selections.
 */

/**
 * The two engines evforge generates for: one word, `engine`, everywhere (an artifact's engine, or
 * `any` when both use it; a cluster's `info.engine` is the one it runs). What each accepts is the
 * generators' table (generate/engines.ts).
 */
export const ENGINE_NAMES = ['elasticsearch', 'opensearch'] as const;
export type Engine = (typeof ENGINE_NAMES)[number];

/** Things `push` creates on a cluster (or on Kibana), in the order they must be applied. */
export const OBJECT_KINDS = ['ingest_pipeline', 'component_template', 'index_template', 'data_stream', 'elastic_rule', 'security_analytics_rule'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export const OBJECT_LABELS = {
  ingest_pipeline: 'ingest pipeline',
  component_template: 'component template',
  index_template: 'index template',
  data_stream: 'data stream',
  elastic_rule: 'Kibana rule',
  security_analytics_rule: 'Security Analytics rule',
} as const satisfies Record<ObjectKind, string>;

/** One object the cluster should hold. `body` is what is sent; `source` is its file in mappings/. */
export interface DesiredObject {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly body: unknown;
  /** Rendered text, for objects sent as text (Security Analytics YAML). */
  readonly text?: string;
  readonly source?: string;
  /** Definitions that produce it: its owners. */
  readonly events: readonly string[];
  /** Dataset of the dataset it belongs to. */
  readonly dataset: string;
}

export const objectKey = (o: { kind: ObjectKind; name: string }) => `${o.kind}:${o.name}`;


/** Field types evforge maps values to: the one list the types, the definition schema and the checks read. */
export const INDEX_TYPES = ['keyword', 'long', 'double', 'boolean', 'date', 'date_nanos', 'ip'] as const;
export type IndexType = (typeof INDEX_TYPES)[number];

/** Sigma's value modifiers evforge compiles. @see https://sigmahq.io/docs/basics/modifiers.html */
export const SIGMA_MODIFIERS = ['contains', 'startswith', 'endswith', 'all', 're', 'cased', 'exists'] as const;
export type SigmaModifier = (typeof SIGMA_MODIFIERS)[number];

/** A value in a Sigma selection. */
export type SigmaValue = string | number | boolean | null;

type ModifierChain = SigmaModifier | `${SigmaModifier}|${SigmaModifier}`;
/** `Field`, `Field|contains`, `Field|contains|all` … checked against the definition's fields at compile time. */
export type SigmaKey<N extends string> = N | `${N}|${ModifierChain}`;

/** One map of a Sigma selection: its fields are ANDed. */
export type SigmaSelectionMap<N extends string = string> = { readonly [K in SigmaKey<N>]?: SigmaValue | readonly SigmaValue[] };
/**
 * A Sigma selection (a named search identifier of a rule's `detection`): a map, or a list of maps
 * that are ORed. @see https://sigmahq.io/docs/basics/rules.html#detection
 */
export type SigmaSelection<N extends string = string> = SigmaSelectionMap<N> | readonly SigmaSelectionMap<N>[];

/** A rule's `detection`: its selections by name, and the `condition` that combines them. */
export interface SigmaDetection<N extends string = string> {
  readonly condition: string;
  readonly [identifier: string]: SigmaSelection<N> | string;
}
