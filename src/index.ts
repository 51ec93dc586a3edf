/**
 * evforge's library API: the same work as the CLI, for your own tooling.
 *
 *   import { defineEvent, generateAll } from 'evforge';
 */
export { defineEvent } from './definition/types.ts';
export type {
  DetectionInput,
  EcsTargetInput,
  EventDefinitionInput,
  ExampleEventRef,
  FieldInput,
  Selection,
  SigmaDetection,
  SigmaLevel,
  SigmaModifier,
  SigmaStatus,
} from './definition/types.ts';
export type { Detection, EcsTarget, EventDefinition, Field, MessagePart } from './definition/model.ts';
export { WINDOWS_TYPES, type WindowsType, type IndexType } from './definition/windows-types.ts';
export { ECS_FIELDS, type EcsFieldName } from './definition/ecs.ts';
export { validateDefinition } from './definition/validate.ts';
export { loadDefinition, normalizeDefinition } from './definition/normalize.ts';
export { ValidationError, type Issue, renderIssues } from './errors.ts';
export { makeBundle, groupBundles, type Bundle } from './definition/bundle.ts';
export { bundleDefinitions, renderBundle, type RenderedBundle } from './render/bundle.ts';
export { generateArtifacts, type AnyArtifact, type Artifact, type ArtifactKind, type GenerateOptions } from './generate/index.ts';
export { TARGETS, ENGINES, type Target } from './generate/engines.ts';
export { objectNames } from './generate/naming.ts';
export { indexFields, type IndexField } from './generate/fields.ts';
export { stableJson } from './json.ts';

// Replay: event files through a data stream's pipeline, counted; nothing printed.
export { replay, type ReplayFailure, type ReplayOptions, type ReplayResult } from './replay/replay.ts';

import type { EventDefinition } from './definition/model.ts';
import { loadDefinition } from './definition/normalize.ts';
import type { GenerateOptions } from './generate/index.ts';
import { loadPainless, loadTemplates } from './io/templates.ts';
import { renderDefinition, type RenderedBundle } from './render/bundle.ts';
import { Renderer } from './render/serialize.ts';

export interface GenerateAllOptions extends GenerateOptions {
  /** How generated text headers name the definition; default `definition`. */
  readonly source?: string;
}

/**
 * Validates a definition and returns every artifact with its rendered file content — what
 * `evforge generate` writes for it, minus the manifest.
 */
export function generateAll(definition: unknown, options: GenerateAllOptions = {}): RenderedBundle {
  const source = options.source ?? 'definition';
  const def: EventDefinition = isNormalized(definition) ? definition : loadDefinition(definition, source);
  return renderDefinition(def, source, new Renderer(loadTemplates(), loadPainless()), options);
}

function isNormalized(value: unknown): value is EventDefinition {
  return typeof value === 'object' && value !== null && 'hash' in value && 'messageParts' in value;
}
