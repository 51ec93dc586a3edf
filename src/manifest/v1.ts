import type { JSONSchemaType } from 'ajv';

/**
 * Manifest version 1 (evforge before data streams of several definitions): one definition per
 * dataset, its files under `<event>/`, listed in `events.<event>.files`. Frozen: this is what
 * evforge wrote then, read only to be upgraded (upgrade.ts); nothing here follows today's registries.
 */

/* Values a manifest holds, as version 1 knew them; versions 2 and 3 hold the same. */
export const KINDS_V1 = ['component_template', 'elastic_rule', 'field_docs', 'index_template', 'ingest_pipeline', 'queries', 'security_analytics_rule', 'sigma_rule'] as const;
export const ENGINES_V1 = ['elasticsearch', 'opensearch', 'any'] as const;
export const SEVERITIES_V1 = ['breaking', 'compatible', 'docs'] as const;
export const AREAS_V1 = ['event', 'mapping', 'settings', 'template', 'pipeline', 'rule', 'docs'] as const;

/** Formats of the manifest's texts, unchanged since version 1 (the error messages say them in words: read.ts). */
export const MANIFEST_PATTERNS = {
  sha256: '^[0-9a-f]{64}$',
  definitionHash: '^sha256:[0-9a-f]{64}$',
  semver: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$',
} as const;

export interface ChangeV1 {
  severity: (typeof SEVERITIES_V1)[number];
  target: (typeof ENGINES_V1)[number];
  area: (typeof AREAS_V1)[number];
  path: string;
  summary: string;
  why?: string;
}

export interface HistoryEntryV1 {
  version: string;
  initial?: true;
  /** Absent in the first manifests: none. */
  changes?: ChangeV1[];
}

export interface FileV1 {
  path: string;
  kind: (typeof KINDS_V1)[number];
  target: (typeof ENGINES_V1)[number];
  name: string;
  sha256: string;
}

export interface EventV1 {
  definition: string;
  schema_version: string;
  definition_hash: string;
  files?: FileV1[];
  /** Absent in the first manifests (before version histories). */
  history?: HistoryEntryV1[];
}

export interface ManifestV1 {
  generated_by: 'evforge';
  manifest_version: 1;
  events: Record<string, EventV1>;
}

/*
 * ajv's JSONSchemaType asks `nullable: true` of an optional key; `not: {type: 'null'}` then refuses
 * null, which no manifest ever held (an optional key is absent, never null).
 */

const text = { type: 'string', minLength: 1 } as const;

export const changeV1Schema: JSONSchemaType<ChangeV1> = {
  type: 'object',
  additionalProperties: false,
  required: ['severity', 'target', 'area', 'path', 'summary'],
  properties: {
    severity: { type: 'string', enum: SEVERITIES_V1 },
    target: { type: 'string', enum: ENGINES_V1 },
    area: { type: 'string', enum: AREAS_V1 },
    path: { type: 'string' },
    summary: { type: 'string' },
    why: { type: 'string', nullable: true, not: { type: 'null' } },
  },
};

export const historyEntryV1Schema: JSONSchemaType<HistoryEntryV1> = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: { type: 'string', pattern: MANIFEST_PATTERNS.semver },
    initial: { type: 'boolean', enum: [true], nullable: true },
    changes: { type: 'array', items: changeV1Schema, nullable: true, not: { type: 'null' } },
  },
};

const fileV1Schema: JSONSchemaType<FileV1> = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'kind', 'target', 'name', 'sha256'],
  properties: {
    path: text,
    kind: { type: 'string', enum: KINDS_V1 },
    target: { type: 'string', enum: ENGINES_V1 },
    name: text,
    sha256: { type: 'string', pattern: MANIFEST_PATTERNS.sha256 },
  },
};

export const manifestV1Schema: JSONSchemaType<ManifestV1> = {
  title: 'evforge manifest, version 1',
  type: 'object',
  additionalProperties: false,
  required: ['generated_by', 'manifest_version', 'events'],
  properties: {
    generated_by: { type: 'string', const: 'evforge' },
    manifest_version: { type: 'integer', const: 1 },
    events: {
      type: 'object',
      required: [],
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['definition', 'schema_version', 'definition_hash'],
        properties: {
          definition: text,
          schema_version: { type: 'string', pattern: MANIFEST_PATTERNS.semver },
          definition_hash: { type: 'string', pattern: MANIFEST_PATTERNS.definitionHash },
          files: { type: 'array', items: fileV1Schema, nullable: true, not: { type: 'null' } },
          history: { type: 'array', items: historyEntryV1Schema, nullable: true, not: { type: 'null' } },
        },
      },
    },
  },
};
