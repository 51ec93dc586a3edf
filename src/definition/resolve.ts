import { ValidationError } from '../errors.ts';
import { sha256, stableJsonLine } from '../json.ts';
import { ecsField } from './ecs.ts';
import { parseMessage } from './message.ts';
import type { Detection, EcsTarget, EventDefinition, Field } from './model.ts';
import { detectionName } from './sigma-name.ts';
import { slugify } from './slug.ts';
import type { EventDefinitionInput, FieldInput } from './types.ts';
import { checkDefinition } from './validate.ts';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function resolveField(f: FieldInput, index: number): Field {
  const ecs: EcsTarget[] = (f.ecs ?? []).map((raw) => {
    const t = typeof raw === 'string' ? { field: raw } : raw;
    const known = ecsField(t.field);
    return {
      field: t.field,
      derive: t.derive ?? 'copy',
      type: known?.type ?? t.type ?? 'keyword',
      text: known?.text ?? false,
      array: known?.array ?? false,
      // Only when stated, so definitions without lookups keep their hash.
      ...('lookup' in t && t.lookup !== undefined ? { lookup: t.lookup } : {}),
    };
  });
  return {
    name: f.name,
    type: f.type,
    description: f.description,
    aliases: [...(f.aliases ?? [])],
    nullTokens: [...(f.nullTokens ?? [])],
    ecs,
    examples: [...(f.examples ?? [])],
    insert: index + 1,
    // Only when stated, so definitions without them keep their hash.
    ...(f.since !== undefined ? { since: f.since } : {}),
    ...(f.until !== undefined ? { until: f.until } : {}),
    ...(f.earlierTypes?.length ? { earlierTypes: f.earlierTypes.map((e) => ({ type: e.type, until: e.until })) } : {}),
    ...(f.array ? { array: true } : {}),
  };
}

/**
 * The resolved definition: defaults filled in, derived values computed, everything frozen. Assumes a
 * valid input. ("Normalize" is the ingest pipeline's word, for events.)
 */
export function resolveDefinition(input: EventDefinitionInput): EventDefinition {
  const detections: Detection[] = (input.detections ?? []).map((d) => ({
    ...d,
    name: detectionName(d),
    references: [...(d.references ?? [])],
    tags: [...(d.tags ?? [])],
    falsepositives: [...(d.falsepositives ?? [])],
    tests: { positives: [...(d.tests?.positives ?? [])], negatives: [...(d.tests?.negatives ?? [])] },
  }));
  const body = {
    name: input.name,
    schemaVersion: input.schemaVersion,
    title: input.title,
    description: input.description,
    provider: { ...input.provider },
    channel: input.channel,
    eventId: input.eventId,
    version: input.version,
    level: input.level,
    task: { ...input.task },
    opcode: { ...input.opcode },
    keywords: input.keywords,
    message: input.message,
    messageParts: parseMessage(input.message),
    dataset: input.dataset,
    ...(input.userData ? { userData: { ...input.userData } } : {}),
    ...(input.taskNames !== undefined ? { taskNames: input.taskNames } : {}),
    ...(input.outcome ? { outcome: 'success' in input.outcome ? { field: input.outcome.field, success: [...input.outcome.success] } : { field: input.outcome.field, failure: [...input.outcome.failure] } } : {}),
    ...(input.tables?.length ? { tables: input.tables.map((t) => ({ name: t.name, entries: { ...t.entries } })) } : {}),
    ecs: {
      category: [...(input.ecs?.category ?? [])],
      type: [...(input.ecs?.type ?? [])],
      action: input.ecs?.action ?? slugify(input.title),
    },
    fields: input.fields.map(resolveField),
    detections,
  };
  return deepFreeze({ ...body, hash: `sha256:${sha256(stableJsonLine(body))}` });
}

/** Validate, then resolve; throws a ValidationError naming every problem. */
export function loadDefinition(input: unknown, source?: string): EventDefinition {
  const checked = checkDefinition(input);
  if (!checked.ok) throw new ValidationError(checked.issues, source);
  return resolveDefinition(checked.definition);
}

/** A definition `loadDefinition` already returned (it carries its hash and parsed message). */
export function isResolved(value: unknown): value is EventDefinition {
  return typeof value === 'object' && value !== null && 'hash' in value && 'messageParts' in value;
}
