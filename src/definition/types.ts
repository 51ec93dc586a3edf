import type { SigmaHeaderField } from './header.ts';
import type { SigmaDetection } from '../terms.ts';
import type { EcsEventCategory, EcsEventType, EcsFieldName } from './ecs.ts';
import type { IndexType, WindowsLevel, WindowsType } from './windows-types.ts';

/* ──────────────────────────── fields ──────────────────────────── */

/**
 * A value derived from a field on its way to an ECS target: the value itself (converted to the
 * target's type), a part of its text, or its text read as an integer (`integer`: decimal or `0x`
 * hex text, e.g. IpPort's "52114", which Windows types as text).
 */
export const DERIVATIONS = ['copy', 'basename', 'lowercase', 'uppercase', 'integer'] as const;
export type Derivation = (typeof DERIVATIONS)[number];

/** An ECS field filled from this field; `type` is required only for fields outside the bundled ECS table. */
export interface EcsTargetInput {
  readonly field: EcsFieldName | (string & {});
  readonly derive?: Derivation;
  readonly type?: IndexType;
  /**
   * The name of a lookup table of the definition's `tables`: the target gets the table's text for
   * the field's value (LogonType "3" → "Network"); a value the table lacks fills nothing.
   */
  readonly lookup?: string;
}

/* ──────────────────────────── lookup tables ──────────────────────────── */

/**
 * A table of values → text, shared by definitions (Windows logon types, NTSTATUS codes, `%%nnnn`
 * parameter strings). It is data in the pipeline's params, written once whatever the number of
 * definitions that use it, and a lookup costs one map get whatever its size.
 */
export interface LookupTable<N extends string = string> {
  /** Lowercase dotted name, e.g. `windows.logon_types`: one name means one table in every data stream. */
  readonly name: N;
  /** Value as the event writes it → its text. Keys written `0x…` match hex text in any case and with any leading zeros. */
  readonly entries: Readonly<Record<string, string>>;
}

/**
 * Declares a lookup table, to export from a module several definitions import (one Windows status
 * table, not one per event). An identity function, like defineEvent: the name stays a literal type.
 */
export function defineTable<const N extends string>(name: N, entries: Readonly<Record<string, string>>): LookupTable<N> {
  return { name, entries };
}

/**
 * `event.outcome` from one of the event's fields instead of its audit keywords: the values that
 * mean success (any other value means failure), or the values that mean failure (any other means
 * success). An event without the field, or with it empty, keeps the outcome of its keywords.
 */
export type OutcomeInput =
  | { readonly field: string; readonly success: readonly string[] }
  | { readonly field: string; readonly failure: readonly string[] };

export type ScalarExample = string | number | boolean;

export interface FieldInput {
  /** The canonical `<Data Name="…">` of the event template. */
  readonly name: string;
  readonly type: WindowsType;
  readonly description: string;
  /** Older names of the same field (earlier manifests, older collectors). */
  readonly aliases?: readonly string[];
  /** Values that mean "no value", e.g. `(NULL)`, `-` or `""`; dropped by the pipeline. */
  readonly nullTokens?: readonly string[];
  readonly ecs?: readonly (EcsFieldName | EcsTargetInput)[];
  readonly examples?: readonly ScalarExample[];
  /**
   * The first version of the event that carries this field; absent, every version the definition
   * describes has it. A definition covers all versions of its event id (`version` is the newest).
   */
  readonly since?: number;
  /** The last version that carries this field (Windows no longer writes it after); absent, the newest has it. */
  readonly until?: number;
  /** The field's Windows types in older versions, oldest first: `{ type: 'UInt32', until: 0 }` = UInt32 up to version 0. */
  readonly earlierTypes?: readonly EarlierType[];
  /** Windows writes a list of values (the template's `count`). */
  readonly array?: boolean;
}

/** A Windows type a field had up to a version, before the one it has now. */
export interface EarlierType {
  readonly type: WindowsType;
  readonly until: number;
}

/* ──────────────────────────── detections (Sigma model) ──────────────────────────── */

export { SIGMA_MODIFIERS, type SigmaDetection, type SigmaKey, type SigmaModifier, type SigmaSelection, type SigmaSelectionMap, type SigmaValue } from '../terms.ts';
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];
export const SIGMA_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export type SigmaStatus = (typeof SIGMA_STATUSES)[number];

/** Field names a selection of this definition may use: header names, field names and aliases. */
export type SigmaFieldName<F extends readonly FieldInput[]> =
  | SigmaHeaderField
  | F[number]['name']
  | NonNullable<F[number]['aliases']>[number];

/** An example event for rule tests: inline, or a JSON file relative to the definition. */
export type ExampleEventRef =
  | { readonly name: string; readonly file: string }
  | { readonly name: string; readonly event: Readonly<Record<string, unknown>> };

export interface DetectionInput<N extends string = string> {
  /** Sigma rule id (UUID); also the Kibana `rule_id`. */
  readonly id: string;
  readonly title: string;
  /** File name of the rule (SigmaHQ's convention: `win_susp_ntlm_auth`); derived from the title and log source when absent. */
  readonly name?: string;
  readonly status: SigmaStatus;
  readonly description: string;
  readonly author: string;
  readonly date: string;
  readonly modified?: string;
  readonly references?: readonly string[];
  /** Sigma tags, e.g. `attack.lateral-movement`, `attack.t1550.002`. */
  readonly tags?: readonly string[];
  readonly falsepositives?: readonly string[];
  readonly level: SigmaLevel;
  /** SPDX id of the rule's licence, e.g. `DRL-1.1` for rules derived from SigmaHQ. */
  readonly license?: string;
  /** Where the rule comes from (kept with the licence's attribution). */
  readonly source?: { readonly url: string; readonly note?: string };
  readonly logsource: {
    readonly product?: string;
    readonly service?: string;
    readonly category?: string;
    readonly definition?: string;
  };
  readonly detection: SigmaDetection<N>;
  readonly fields?: readonly string[];
  /** Events the rule must match (positives) and must not match (negatives). */
  readonly tests?: { readonly positives: readonly ExampleEventRef[]; readonly negatives: readonly ExampleEventRef[] };
}

/* ──────────────────────────── the event ──────────────────────────── */

export interface EventDefinitionInput<F extends readonly FieldInput[] = readonly FieldInput[]> {
  /** Slug used for the output folder, e.g. `ntlm-8002`. */
  readonly name: string;
  /** Semantic version of the generated schema; bump it when artifacts change. */
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
  /** Keyword mask as written in the manifest, e.g. `0x8000000000000000`. */
  readonly keywords: string;
  /** Message template with `%1…%n` inserts (`%n` newline, `%t` tab, `%%` percent). */
  readonly message: string;
  /** ECS `data_stream.dataset`; the data stream is `logs-<dataset>-<namespace>`. */
  readonly dataset: string;
  readonly ecs?: {
    readonly category?: readonly EcsEventCategory[];
    readonly type?: readonly EcsEventType[];
    readonly action?: string;
  };
  /**
   * The event's data is written in `<UserData>`, inside this one element (its own namespace), instead
   * of `<EventData>`: e.g. Security 1102 `{ element: 'LogFileCleared', namespace: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }`.
   */
  readonly userData?: { readonly element: string; readonly namespace?: string };
  /**
   * A table of `tables` naming the other task numbers the event is logged with (Security-Auditing
   * logs an event under the audit subcategory that audited it: 4625 under Logon, 12544, or Account
   * Lockout, 12546); `task` stays the one the definition describes.
   */
  readonly taskNames?: string;
  /** `event.outcome` from a field (e.g. 4776's Status: `{ field: 'Status', success: ['0x0'] }`) rather than the audit keywords. */
  readonly outcome?: OutcomeInput;
  /** The lookup tables the fields' ECS targets name (`lookup`), usually imported from a shared module. */
  readonly tables?: readonly LookupTable[];
  readonly fields: F;
  readonly detections?: readonly DetectionInput<SigmaFieldName<F>>[];
}

/**
 * Declares an event. An identity function: its only job is the type — `const` inference keeps field
 * names literal, so a detection that names a field the event does not have fails to compile.
 */
export function defineEvent<const F extends readonly FieldInput[]>(definition: EventDefinitionInput<F>): EventDefinitionInput<F> {
  return definition;
}
