/**
 * The few words every stage shares, at the ground floor so no folder has to import another's to
 * speak them: the index field types of a mapping, and Sigma's value modifiers and values.
 */

/** Field types evforge maps values to. */
export type IndexType = 'keyword' | 'long' | 'double' | 'boolean' | 'date' | 'date_nanos' | 'ip';

/** Sigma's value modifiers evforge compiles. @see https://sigmahq.io/docs/basics/modifiers.html */
export const SIGMA_MODIFIERS = ['contains', 'startswith', 'endswith', 'all', 're', 'cased', 'exists'] as const;
export type SigmaModifier = (typeof SIGMA_MODIFIERS)[number];

/** A value in a Sigma selection. */
export type SigmaValue = string | number | boolean | null;
