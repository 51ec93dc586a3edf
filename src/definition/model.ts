import type { EcsEventCategory, EcsEventType } from './ecs.ts';
import type { Derivation, DetectionInput, ExampleEventRef, ScalarExample } from './types.ts';
import type { IndexType, WindowsLevel, WindowsType } from './windows-types.ts';

/** A piece of the message template: literal text or the 1-based insert number. */
export type MessagePart = string | { readonly insert: number };

export interface EcsTarget {
  readonly field: string;
  readonly derive: Derivation;
  readonly type: IndexType;
  /** ECS adds a `.text` multi-field. */
  readonly text: boolean;
  /** ECS arrays (`related.*`) are appended to. */
  readonly array: boolean;
}

export interface Field {
  readonly name: string;
  readonly type: WindowsType;
  readonly description: string;
  readonly aliases: readonly string[];
  readonly nullTokens: readonly string[];
  readonly ecs: readonly EcsTarget[];
  readonly examples: readonly ScalarExample[];
  /** Insert number in the message template (`%1` is the first field). */
  readonly insert: number;
}

export interface Detection extends Omit<DetectionInput, 'name' | 'references' | 'tags' | 'falsepositives' | 'tests'> {
  readonly name: string;
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  readonly tests: { readonly positives: readonly ExampleEventRef[]; readonly negatives: readonly ExampleEventRef[] };
}

/** The validated, defaulted, frozen definition every generator reads. */
export interface EventDefinition {
  readonly name: string;
  readonly schemaVersion: string;
  readonly title: string;
  readonly description: string;
  readonly provider: { readonly name: string; readonly guid: string };
  readonly channel: string;
  readonly eventId: number;
  readonly version: number;
  readonly level: WindowsLevel;
  readonly task: { readonly value: number; readonly name: string };
  readonly opcode: { readonly value: number; readonly name: string };
  readonly keywords: string;
  readonly message: string;
  readonly messageParts: readonly MessagePart[];
  readonly dataset: string;
  readonly ecs: {
    readonly category: readonly EcsEventCategory[];
    readonly type: readonly EcsEventType[];
    readonly action: string;
  };
  readonly fields: readonly Field[];
  readonly detections: readonly Detection[];
  /** `sha256:` of the canonical JSON of everything above. */
  readonly hash: string;
}
