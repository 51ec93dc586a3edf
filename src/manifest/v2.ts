import type { JSONSchemaType } from 'ajv';
import { ENGINES_V1, KINDS_V1, MANIFEST_PATTERNS, historyEntryV1Schema, changeV1Schema, type ChangeV1, type HistoryEntryV1 } from './v1.ts';

/**
 * Manifest version 2 (data streams of several definitions): per dataset (`bundles`) its members, its
 * files with their owners and its membership history; per definition its dataset and version
 * history. Frozen: this is what evforge wrote then, read only to be upgraded (upgrade.ts). Its
 * changes and version histories are version 1's.
 */

export type ChangeV2 = ChangeV1;
export type HistoryEntryV2 = HistoryEntryV1;

export interface FileV2 {
  path: string;
  kind: (typeof KINDS_V1)[number];
  target: (typeof ENGINES_V1)[number];
  name: string;
  /** Its owners: the definitions that produced it. */
  events: string[];
  sha256: string;
}

export interface BundleHistoryEntryV2 {
  /** Members after the change → their schema versions. */
  events: Record<string, string>;
  added: string[];
  removed: string[];
  changes: ChangeV2[];
}

export interface BundleV2 {
  data_stream: string;
  /** Its members. */
  events: string[];
  files: FileV2[];
  history?: BundleHistoryEntryV2[];
}

export interface EventV2 {
  definition: string;
  dataset: string;
  schema_version: string;
  definition_hash: string;
  history?: HistoryEntryV2[];
}

export interface ManifestV2 {
  generated_by: 'evforge';
  manifest_version: 2;
  bundles: Record<string, BundleV2>;
  events: Record<string, EventV2>;
}

const text = { type: 'string', minLength: 1 } as const;
const names = { type: 'array', items: text } as const;

export const manifestV2Schema: JSONSchemaType<ManifestV2> = {
  title: 'evforge manifest, version 2',
  type: 'object',
  additionalProperties: false,
  required: ['generated_by', 'manifest_version', 'bundles', 'events'],
  properties: {
    generated_by: { type: 'string', const: 'evforge' },
    manifest_version: { type: 'integer', const: 2 },
    bundles: {
      type: 'object',
      required: [],
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['data_stream', 'events', 'files'],
        properties: {
          data_stream: text,
          events: names,
          files: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['path', 'kind', 'target', 'name', 'events', 'sha256'],
              properties: {
                path: text,
                kind: { type: 'string', enum: KINDS_V1 },
                target: { type: 'string', enum: ENGINES_V1 },
                name: text,
                events: names,
                sha256: { type: 'string', pattern: MANIFEST_PATTERNS.sha256 },
              },
            },
          },
          history: {
            type: 'array',
            nullable: true,
            not: { type: 'null' },
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['events', 'added', 'removed', 'changes'],
              properties: {
                events: { type: 'object', required: [], additionalProperties: { type: 'string', pattern: MANIFEST_PATTERNS.semver } },
                added: names,
                removed: names,
                changes: { type: 'array', items: changeV1Schema },
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
        required: ['definition', 'dataset', 'schema_version', 'definition_hash'],
        properties: {
          definition: text,
          dataset: text,
          schema_version: { type: 'string', pattern: MANIFEST_PATTERNS.semver },
          definition_hash: { type: 'string', pattern: MANIFEST_PATTERNS.definitionHash },
          history: { type: 'array', items: historyEntryV1Schema, nullable: true, not: { type: 'null' } },
        },
      },
    },
  },
};
