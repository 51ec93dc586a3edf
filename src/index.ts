/**
 * evforge's library API: the same work as the CLI, for your own tooling. Nothing here prints or
 * exits: each operation returns its result as data (the CLI renders it).
 *
 *   import { defineEvent, defineConfig, generateAll, generate, check, compare, push, diff, test } from 'evforge';
 */
export { defineEvent, defineTable } from './definition/types.ts';
export { defineConfig, type EvforgeConfig } from './config.ts';
export type {
  DetectionInput,
  EcsTargetInput,
  EventDefinitionInput,
  ExampleEventRef,
  FieldInput,
  LookupTable,
  OutcomeInput,
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
// Every error evforge throws is an EvforgeError (code, location, hint, cause, exitCode); README "Library API" lists them.
export {
  ClusterError,
  EvforgeError,
  FileError,
  ImportProblem,
  InternalError,
  RenderError,
  UnfinishedEvent,
  UsageError,
  ValidationError,
  ExitCode,
  renderIssues,
  type EvforgeErrorOptions,
  type Issue,
} from './errors.ts';
export { PushLostError, PushStoppedError } from './api/push-errors.ts';
export { ConditionError } from './rules/sigma.ts';
export { UnsupportedError } from './rules/compile.ts';
export { makeDataset, groupDatasets, type Dataset } from './definition/dataset.ts';
export { datasetsOf, renderDataset, type RenderedDataset } from './render/dataset.ts';
export { generateArtifacts, type AnyArtifact, type Artifact, type ArtifactKind, type GenerateOptions } from './generate/index.ts';
export { ENGINES } from './generate/engines.ts';
export { ENGINE_NAMES, type Engine } from './terms.ts';
export { objectNames } from './generate/naming.ts';
export { indexFields, type IndexField } from './generate/fields.ts';
export { stableJson } from './json.ts';

// The operations below load their modules when first called: every definition file imports
// 'evforge' (for defineEvent), and loading the cluster client, replay and the mappings planner for
// each would slow every `evforge generate`'s start-up (bench/RESULTS.md, generator). Each wrapper is typed as the
// operation it loads, so the two cannot drift apart; types come for free.
import type * as Mappings from './api/mappings.ts';
import type * as Comparing from './api/compare.ts';
import type * as Connection from './api/connection.ts';
import type * as Definitions from './api/definitions.ts';
import type * as Pushing from './api/push.ts';
import type * as Testing from './api/test.ts';
import type * as Replaying from './api/replay/replay.ts';
import type * as Importing from './api/import.ts';

// The mappings folder: the same operations as `evforge generate`, `check` and `compare` (src/api/).
export type { OutputState, WriteResult } from './api/mappings.ts';
export type { CompareOptions, CompareResult, ComparedEvent } from './api/compare.ts';
export type { DefinitionInput } from './api/definitions.ts';
export { DEFAULT_OUT } from './api/defaults.ts';
/** What `evforge generate` does: plans the mappings folder from the definitions and writes it. */
export const generate: typeof Mappings.generate = async (options) => (await import('./api/mappings.ts')).generate(options);
/** What `evforge check` does: whether the mappings folder is what the definitions generate. */
export const check: typeof Mappings.check = async (options) => (await import('./api/mappings.ts')).check(options);
/** The mappings folder planned from definitions, nothing written (`writeOutput` writes it). */
export const planOutput: typeof Mappings.computeOutput = async (...args) => (await import('./api/mappings.ts')).computeOutput(...args);
export const writeOutput: typeof Mappings.writeOutput = async (state) => (await import('./api/mappings.ts')).writeOutput(state);
/** What `evforge compare` does. */
export const compare: typeof Comparing.compare = async (options) => (await import('./api/compare.ts')).compare(options);
/** Every definition rendered: the files `generate` writes for each dataset, nothing written. */
export const renderDefinitions: typeof Definitions.renderDefinitions = async (...args) => (await import('./api/definitions.ts')).renderDefinitions(...args);

// Against a cluster: the same operations as `evforge push`, `diff` and `test` (src/api/).
export type { ClusterConnection, ClusterOperationOptions, ClusterTarget } from './api/connection.ts';
export type { DiffOptions, DiffResult, PushOptions, PushOutcome, PushResult } from './api/push.ts';
export type { TestOptions, TestReport } from './api/test.ts';
/** A connected cluster (its engine and version read), to pass to the operations below. */
export const connect: typeof Connection.connect = async (options) => (await import('./api/connection.ts')).connect(options);
export const diff: typeof Pushing.diff = async (options) => (await import('./api/push.ts')).diff(options);
export const push: typeof Pushing.push = async (options) => (await import('./api/push.ts')).push(options);
export const test: typeof Testing.test = async (options) => (await import('./api/test.ts')).test(options);
export type { TestResult } from './verify/tests.ts';
export type { ClusterPlan } from './plan/cluster-plan.ts';
export type { Change, ChangeAction, OwnerChange, Rollout } from './plan/plan.ts';
export type { ObjectKind } from './terms.ts';
export type { SchemaChange } from './plan/classify.ts';
export type { Cluster, ClusterInfo } from './io/cluster/cluster.ts';
// Replay: event files through a data stream's pipeline, counted; nothing printed.
export type { ReplayFailure, ReplayOptions, ReplayResult } from './api/replay/replay.ts';
export const replay: typeof Replaying.replay = async (options) => (await import('./api/replay/replay.ts')).replay(options);
// Import: definitions from Windows' own description of its events (docs/import.md); writes the files.
export type { DefinitionChange, ImportOptions, ImportResult, ImportedDefinition } from './api/import.ts';
/** What `evforge import` does: provider descriptions in, one definition file per provider + event id written (merged into existing ones). */
export const importEvents: typeof Importing.importEvents = async (options) => (await import('./api/import.ts')).importEvents(options);

import type { EventDefinition } from './definition/model.ts';
import { isResolved, loadDefinition } from './definition/resolve.ts';
import type { GenerateOptions } from './generate/index.ts';
import { loadPainless, loadTemplates } from './api/templates.ts';
import { renderDefinition, type RenderedDataset } from './render/dataset.ts';
import { Renderer } from './render/serialize.ts';

export interface GenerateAllOptions extends GenerateOptions {
  /** How generated text headers name the definition; default `definition`. */
  readonly source?: string;
}

/**
 * Validates a definition and returns every artifact with its rendered file content — what
 * `evforge generate` writes for it, minus the manifest.
 */
export function generateAll(definition: unknown, options: GenerateAllOptions = {}): RenderedDataset {
  const source = options.source ?? 'definition';
  const def: EventDefinition = isResolved(definition) ? definition : loadDefinition(definition, source);
  return renderDefinition(def, source, new Renderer(loadTemplates(), loadPainless()), options);
}
