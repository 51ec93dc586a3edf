import type { Static, TSchema } from 'typebox';
import type { SigmaHeaderField } from './header.ts';
import type { SigmaDetection } from '../terms.ts';
export { DERIVATIONS, SIGMA_LEVELS, SIGMA_STATUSES, type Derivation, type SigmaLevel, type SigmaStatus } from './vocabulary.ts';
import type { definitionSchema, detectionSchema, earlierTypeSchema, ecsTargetSchema, eventRefSchema, fieldSchema, outcomeSchema, tableSchema } from './schema.ts';

/**
 * The input types, read off the schemas of schema.ts (each key, its type and its allowed values are
 * written there once, with its doc comment), plus the generic layer `defineEvent` needs: field names
 * kept literal, so a detection that names a field the event does not have fails to compile.
 * Type-only imports: importing this module loads no schema.
 */

/** A schema's type as a definition is written: every key and list read-only, so `const` inference keeps literals. */
type Input<S extends TSchema> = Frozen<Static<S>>;
type Frozen<T> = T extends string | number | boolean | null | undefined ? T : T extends readonly (infer I)[] ? readonly Frozen<I>[] : { readonly [K in keyof T]: Frozen<T[K]> };

/* ──────────────────────────── fields ──────────────────────────── */


/** A field of the event (schema.ts: `fieldSchema`). */
export type FieldInput = Input<typeof fieldSchema>;
/** An ECS field filled from a field (schema.ts: `ecsTargetSchema`). */
export type EcsTargetInput = Input<typeof ecsTargetSchema>;
/** A Windows type a field had up to a version (schema.ts: `earlierTypeSchema`). */
export type EarlierType = Input<typeof earlierTypeSchema>;
export type ScalarExample = NonNullable<FieldInput['examples']>[number];

/* ──────────────────────────── lookup tables, outcome ──────────────────────────── */

/** A lookup table (schema.ts: `tableSchema`), its name kept literal. */
export type LookupTable<N extends string = string> = Omit<Input<typeof tableSchema>, 'name'> & { readonly name: N };

/**
 * Declares a lookup table, to export from a module several definitions import (one Windows status
 * table, not one per event). An identity function, like defineEvent: the name stays a literal type.
 */
export function defineTable<const N extends string>(name: N, entries: Readonly<Record<string, string>>): LookupTable<N> {
  return { name, entries };
}

/** `event.outcome` from a field (schema.ts: `outcomeSchema`). */
export type OutcomeInput = Input<typeof outcomeSchema>;

/* ──────────────────────────── detections (Sigma model) ──────────────────────────── */

export { SIGMA_MODIFIERS, type SigmaDetection, type SigmaKey, type SigmaModifier, type SigmaSelection, type SigmaSelectionMap, type SigmaValue } from '../terms.ts';

/** Field names a selection of this definition may use: header names, field names and aliases. */
export type SigmaFieldName<F extends readonly FieldInput[]> =
  | SigmaHeaderField
  | F[number]['name']
  | NonNullable<F[number]['aliases']>[number];

/** An example event for rule tests (schema.ts: `eventRefSchema`). */
export type ExampleEventRef = Input<typeof eventRefSchema>;

/** A detection rule (schema.ts: `detectionSchema`), its selections naming the fields `N`. */
export type DetectionInput<N extends string = string> = Omit<Input<typeof detectionSchema>, 'detection'> & { readonly detection: SigmaDetection<N> };

/* ──────────────────────────── the event ──────────────────────────── */

/** A definition (schema.ts: `definitionSchema`), its fields `F` kept literal for its detections. */
export type EventDefinitionInput<F extends readonly FieldInput[] = readonly FieldInput[]> = Omit<Input<typeof definitionSchema>, 'fields' | 'detections'> & {
  readonly fields: F;
  readonly detections?: readonly DetectionInput<SigmaFieldName<F>>[];
};

/**
 * Declares an event. An identity function: its only job is the type — `const` inference keeps field
 * names literal, so a detection that names a field the event does not have fails to compile.
 */
export function defineEvent<const F extends readonly FieldInput[]>(definition: EventDefinitionInput<F>): EventDefinitionInput<F> {
  return definition;
}
