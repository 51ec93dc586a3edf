/**
 * The few words every stage shares, at the ground floor so no folder has to import another's to
 * speak them: the index field types of a mapping, and Sigma's value modifiers, values and selections.
 */

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
