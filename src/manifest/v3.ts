import type { JSONSchemaType } from 'ajv';
import type { Engine } from '../terms.ts';
import type { ArtifactKind } from '../generate/index.ts';
import type { ChangeArea, SchemaChange, Severity } from '../plan/classify.ts';
import type { RenderedFile } from '../render/dataset.ts';
import { AREAS_V1, ENGINES_V1, KINDS_V1, MANIFEST_PATTERNS, SEVERITIES_V1 } from './v1.ts';

/**
 * Manifest version 3, the one evforge writes: version 2 in the codebase's words. A file's and a
 * change's engine is `engine` (was `target`), a dataset's entry is under `datasets` (was `bundles`),
 * its definitions are its `members` and a file's are its `owners` (both were `events`, the name of
 * the top-level record of each definition too). Every list is present, and a definition's history
 * holds at least its initial version.
 */

/** One recorded change (plan/classify.ts's SchemaChange, without the event whose history holds it). */
export type ManifestChange = Omit<SchemaChange, 'event'>;

/** One schema version of one event, and what changed to reach it. */
export interface HistoryEntry {
  version: string;
  initial?: true;
  changes: ManifestChange[];
}

/** A change of a data stream's members, and what it did to the shared objects. */
export interface DatasetHistoryEntry {
  /** Members after the change → their schema versions. */
  members: Record<string, string>;
  added: string[];
  removed: string[];
  changes: ManifestChange[];
}

/** One generated file: its path in the folder, kind, engine (`any` when both use it), owners and digest. */
export type ManifestFile = RenderedFile;

export interface ManifestEvent {
  definition: string;
  dataset: string;
  schema_version: string;
  definition_hash: string;
  /** Newest first, the initial version last; the changelog is rendered from it. */
  history: HistoryEntry[];
}

/** One dataset's data stream: its member definitions and every file generated for it. */
export interface ManifestDataset {
  data_stream: string;
  members: string[];
  files: ManifestFile[];
  /** Membership changes, newest first. */
  history: DatasetHistoryEntry[];
}

/** `mappings/manifest.json`: every generated file with its kind, engine, owners and digest, per dataset. */
export interface ManifestV3 {
  generated_by: 'evforge';
  manifest_version: 3;
  datasets: Record<string, ManifestDataset>;
  events: Record<string, ManifestEvent>;
}

/*
 * What version 3 allows: version 1's values, each a value of today's registries (the compiler
 * checks it), and every value of today's registries (test/unit/manifest/versions.test.ts checks
 * it): a new artifact kind, engine, severity or area is a new manifest version, so that an older
 * evforge says "upgrade evforge" instead of "invalid manifest".
 */
export const KINDS_V3: readonly ArtifactKind[] = KINDS_V1;
export const ENGINES_V3: readonly (Engine | 'any')[] = ENGINES_V1;
export const SEVERITIES_V3: readonly Severity[] = SEVERITIES_V1;
export const AREAS_V3: readonly ChangeArea[] = AREAS_V1;

const text = { type: 'string', minLength: 1 } as const;
const names = { type: 'array', items: text } as const;

const changeSchema: JSONSchemaType<ManifestChange> = {
  type: 'object',
  additionalProperties: false,
  required: ['severity', 'engine', 'area', 'path', 'summary'],
  properties: {
    severity: { type: 'string', enum: SEVERITIES_V3 },
    engine: { type: 'string', enum: ENGINES_V3 },
    area: { type: 'string', enum: AREAS_V3 },
    path: { type: 'string' },
    summary: { type: 'string' },
    // Optional keys: see v1.ts.
    why: { type: 'string', nullable: true, not: { type: 'null' } },
  },
};

export const manifestV3Schema: JSONSchemaType<ManifestV3> = {
  title: 'evforge manifest, version 3',
  type: 'object',
  additionalProperties: false,
  required: ['generated_by', 'manifest_version', 'datasets', 'events'],
  properties: {
    generated_by: { type: 'string', const: 'evforge' },
    manifest_version: { type: 'integer', const: 3 },
    datasets: {
      type: 'object',
      required: [],
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['data_stream', 'members', 'files', 'history'],
        properties: {
          data_stream: text,
          members: names,
          files: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['path', 'kind', 'engine', 'name', 'owners', 'sha256'],
              properties: {
                path: text,
                kind: { type: 'string', enum: KINDS_V3 },
                engine: { type: 'string', enum: ENGINES_V3 },
                name: text,
                owners: names,
                sha256: { type: 'string', pattern: MANIFEST_PATTERNS.sha256 },
              },
            },
          },
          history: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['members', 'added', 'removed', 'changes'],
              properties: {
                members: { type: 'object', required: [], additionalProperties: { type: 'string', pattern: MANIFEST_PATTERNS.semver } },
                added: names,
                removed: names,
                changes: { type: 'array', items: changeSchema },
              },
            },
          },
        },
      },
    },
    events: {
      type: 'object',
      required: [],
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['definition', 'dataset', 'schema_version', 'definition_hash', 'history'],
        properties: {
          definition: text,
          dataset: text,
          schema_version: { type: 'string', pattern: MANIFEST_PATTERNS.semver },
          definition_hash: { type: 'string', pattern: MANIFEST_PATTERNS.definitionHash },
          history: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['version', 'changes'],
              properties: {
                version: { type: 'string', pattern: MANIFEST_PATTERNS.semver },
                initial: { type: 'boolean', enum: [true], nullable: true },
                changes: { type: 'array', items: changeSchema },
              },
            },
          },
        },
      },
    },
  },
};
