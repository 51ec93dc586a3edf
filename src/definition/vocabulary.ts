/**
 * The closed lists of words a definition may use, as values: the schema (schema.ts) allows exactly
 * these, and the types (types.ts) are read off them. Apart so that neither imports the other.
 */

/**
 * A value derived from a field on its way to an ECS target: the value itself (converted to the
 * target's type), a part of its text, or its text read as an integer (`integer`: decimal or `0x`
 * hex text, e.g. IpPort's "52114", which Windows types as text).
 */
export const DERIVATIONS = ['copy', 'basename', 'lowercase', 'uppercase', 'integer'] as const;
export type Derivation = (typeof DERIVATIONS)[number];

/** A Sigma rule's `level` and `status`, as the Sigma specification lists them. */
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];
export const SIGMA_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export type SigmaStatus = (typeof SIGMA_STATUSES)[number];
