/**
 * evforge's library API: the same work as the CLI, for your own tooling. Nothing here prints or
 * exits: each operation returns its result as data (the CLI renders it).
 *
 *   import { defineEvent, generateAll, generate, check, compare, push, diff, test } from 'evforge';
 */
export { defineEvent } from './definition/types.ts';
export type {
  DetectionInput,
  EcsTargetInput,
  EventDefinitionInput,
  ExampleEventRef,
  FieldInput,
  SigmaDetection,
  SigmaLevel,
  SigmaModifier,
  SigmaSelection,
  SigmaStatus,
} from './definition/types.ts';
export type { Detection, EcsTarget, EventDefinition, Field, MessagePart } from './definition/model.ts';
export { WINDOWS_TYPES, type WindowsType, type IndexType } from './definition/windows-types.ts';
export { ECS_FIELDS, type EcsFieldName } from './definition/ecs.ts';
export { validateDefinition } from './definition/validate.ts';
export { loadDefinition, resolveDefinition } from './definition/resolve.ts';
export { ValidationError, type Issue, renderIssues } from './errors.ts';
export { makeBundle, groupBundles, type Bundle } from './definition/bundle.ts';
export { bundleDefinitions, renderBundle, type RenderedBundle } from './render/bundle.ts';
export { generateArtifacts, type AnyArtifact, type Artifact, type ArtifactKind, type GenerateOptions } from './generate/index.ts';
export { ENGINE_NAMES, ENGINES, type Engine } from './generate/engines.ts';
export { objectNames } from './generate/naming.ts';
export { indexFields, type IndexField } from './generate/fields.ts';
export { stableJson } from './json.ts';

// The mappings folder: the same operations as `evforge generate`, `check` and `compare` (src/api/).
export { generate, check, computeOutput as planOutput, writeOutput, DEFAULT_OUT, type OutputState, type WriteResult } from './api/mappings.ts';
export { compare, type CompareOptions, type CompareResult, type ComparedEvent } from './api/compare.ts';

// Against a cluster: the same operations as `evforge push`, `diff` and `test` (src/api/).
export { connect, type ClusterConnection, type ClusterOperationOptions, type ClusterTarget } from './api/connection.ts';
export { renderDefinitions, type DefinitionInput } from './api/definitions.ts';
export { diff, push, PushStoppedError, type DiffOptions, type DiffResult, type PushOptions, type PushOutcome, type PushResult } from './api/push.ts';
export { test, type TestOptions, type TestReport } from './api/test.ts';
export type { TestResult } from './verify/tests.ts';
export type { ClusterPlan } from './plan/cluster-plan.ts';
export type { Change, ChangeAction, OwnerChange, Rollout } from './plan/plan.ts';
export type { ObjectKind } from './plan/objects.ts';
export type { SchemaChange } from './plan/classify.ts';
export type { Cluster, ClusterInfo } from './io/cluster/cluster.ts';
// Replay: event files through a data stream's pipeline, counted; nothing printed.
export { replay, type ReplayFailure, type ReplayOptions, type ReplayResult } from './replay/replay.ts';

import { isResolved } from './api/definitions.ts';
import type { EventDefinition } from './definition/model.ts';
import { loadDefinition } from './definition/resolve.ts';
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
  const def: EventDefinition = isResolved(definition) ? definition : loadDefinition(definition, source);
  return renderDefinition(def, source, new Renderer(loadTemplates(), loadPainless()), options);
}
