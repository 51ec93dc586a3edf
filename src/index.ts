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

// The operations below load their modules when first called: every definition file imports
// 'evforge' (for defineEvent), and loading the cluster client, replay and the mappings planner for
// each would cost every `evforge generate` ~0.1 s of start-up. Types come for free.
import type { OutputState, WriteResult } from './api/mappings.ts';
import type { CompareOptions, CompareResult } from './api/compare.ts';
import type { ClusterConnection } from './api/connection.ts';
import type { DefinitionInput } from './api/definitions.ts';
import type { DiffOptions, DiffResult, PushOptions, PushResult } from './api/push.ts';
import type { TestOptions, TestReport } from './api/test.ts';
import type { Cluster } from './io/cluster/cluster.ts';
import type { ReplayOptions, ReplayResult } from './replay/replay.ts';

// The mappings folder: the same operations as `evforge generate`, `check` and `compare` (src/api/).
export type { OutputState, WriteResult, CompareOptions, CompareResult, DefinitionInput };
export type { ComparedEvent } from './api/compare.ts';
export { DEFAULT_OUT } from './api/defaults.ts';
type GenerateCall = { definitions?: readonly DefinitionInput[]; out?: string; cwd?: string; takeOver?: boolean };
/** What `evforge generate` does: plans the mappings folder from the definitions and writes it. */
export async function generate(options: GenerateCall = {}): Promise<{ state: OutputState; written?: WriteResult }> {
  return (await import('./api/mappings.ts')).generate(options);
}
/** What `evforge check` does: whether the mappings folder is what the definitions generate. */
export async function check(options: Omit<GenerateCall, 'takeOver'> = {}): Promise<{ state: OutputState; upToDate: boolean }> {
  return (await import('./api/mappings.ts')).check(options);
}
/** The mappings folder planned from definitions, nothing written (`writeOutput` writes it). */
export async function planOutput(files: readonly DefinitionInput[], out: string, cwd = process.cwd(), options: { takeOver?: boolean } = {}): Promise<OutputState> {
  return (await import('./api/mappings.ts')).computeOutput(files, out, cwd, options);
}
export async function writeOutput(state: OutputState): Promise<WriteResult> {
  return (await import('./api/mappings.ts')).writeOutput(state);
}
/** What `evforge compare` does. */
export async function compare(options: CompareOptions): Promise<CompareResult> {
  return (await import('./api/compare.ts')).compare(options);
}
/** Every definition rendered: the files `generate` writes for each bundle, nothing written. */
export async function renderDefinitions(inputs: readonly DefinitionInput[], cwd = process.cwd()): Promise<RenderedBundle[]> {
  return (await import('./api/definitions.ts')).renderDefinitions(inputs, cwd);
}

// Against a cluster: the same operations as `evforge push`, `diff` and `test` (src/api/).
export type { ClusterConnection };
export type { ClusterOperationOptions, ClusterTarget } from './api/connection.ts';
export type { DiffOptions, DiffResult, PushOptions, PushResult, TestOptions, TestReport };
export type { PushOutcome } from './api/push.ts';
export { PushStoppedError } from './api/push-stopped.ts';
/** A connected cluster (its engine and version read), to pass to the operations below. */
export async function connect(options: ClusterConnection): Promise<Cluster> {
  return (await import('./api/connection.ts')).connect(options);
}
export async function diff(options: DiffOptions): Promise<DiffResult> {
  return (await import('./api/push.ts')).diff(options);
}
export async function push(options: PushOptions): Promise<PushResult> {
  return (await import('./api/push.ts')).push(options);
}
export async function test(options: TestOptions): Promise<TestReport> {
  return (await import('./api/test.ts')).test(options);
}
export type { TestResult } from './verify/tests.ts';
export type { ClusterPlan } from './plan/cluster-plan.ts';
export type { Change, ChangeAction, OwnerChange, Rollout } from './plan/plan.ts';
export type { ObjectKind } from './plan/objects.ts';
export type { SchemaChange } from './plan/classify.ts';
export type { Cluster, ClusterInfo } from './io/cluster/cluster.ts';
// Replay: event files through a data stream's pipeline, counted; nothing printed.
export type { ReplayOptions, ReplayResult };
export type { ReplayFailure } from './replay/replay.ts';
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  return (await import('./replay/replay.ts')).replay(options);
}

import type { EventDefinition } from './definition/model.ts';
import { isResolved, loadDefinition } from './definition/resolve.ts';
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
