import type { DetectionInput, EcsTargetInput, EventDefinitionInput, FieldInput } from './types.ts';

/**
 * The resolved definition every generator reads, derived from the input types (types.ts): what a
 * definition may leave out is filled in here, and the derived values are added.
 */

/** A piece of the message template: literal text or the 1-based insert number. */
export type MessagePart = string | { readonly insert: number };

export interface EcsTarget extends Required<Omit<EcsTargetInput, 'lookup'>>, Pick<EcsTargetInput, 'lookup'> {
  /** ECS adds a `.text` multi-field. */
  readonly text: boolean;
  /** ECS arrays (`related.*`) are appended to. */
  readonly array: boolean;
}

/** What a field states only when it has it (absent keys keep the definition's hash unchanged). */
type FieldOptional = 'since' | 'until' | 'earlierTypes' | 'array';
export interface Field extends Required<Omit<FieldInput, 'ecs' | FieldOptional>>, Pick<FieldInput, FieldOptional> {
  readonly ecs: readonly EcsTarget[];
  /** Insert number in the message template (`%1` is the first field). */
  readonly insert: number;
}

/** What a detection may leave out and the resolved one always has. */
type DetectionDefaults = 'name' | 'references' | 'tags' | 'falsepositives' | 'tests';
export interface Detection extends Omit<DetectionInput, DetectionDefaults>, Required<Pick<DetectionInput, DetectionDefaults>> {}

/** The validated, defaulted, frozen definition every generator reads. */
export interface EventDefinition extends Omit<EventDefinitionInput, 'ecs' | 'fields' | 'detections'> {
  readonly messageParts: readonly MessagePart[];
  readonly ecs: Required<NonNullable<EventDefinitionInput['ecs']>>;
  readonly fields: readonly Field[];
  readonly detections: readonly Detection[];
  /** `sha256:` of the canonical JSON of everything above. */
  readonly hash: string;
}
