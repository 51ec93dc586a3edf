import { isDeepStrictEqual } from 'node:util';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import type { AnyArtifact, ArtifactKind } from '../generate/index.ts';
import { assertNever } from '../errors.ts';
import { createTemplateEnv, type CompiledTemplate } from './handlebars.ts';
import { stableJson, stableJsonLine } from './json.ts';

/** Thrown when a rendered artifact does not parse back to what was meant, or fails its schema. */
export class RenderError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'RenderError';
  }
}

/** Template names the serializer needs (files `templates/<name>.hbs`). */
export const TEMPLATE_NAMES = ['sigma-rule.yml', 'fields.md', 'changelog.md'] as const;
export type TemplateSources = Readonly<Record<(typeof TEMPLATE_NAMES)[number], string>>;

/**
 * The Sigma JSON schema (SigmaHQ/sigma-specification v2.1.0, public domain). Draft 2020-12; ajv's
 * strict mode refuses one of its `items` keywords, hence `strict: false`.
 * @see https://github.com/SigmaHQ/sigma-specification/tree/main/json-schema
 */
const sigmaSchema = createRequire(import.meta.url)('../rules/sigma-detection-rule-schema.json') as object;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validateSigma = ajv.compile(sigmaSchema);

export function sigmaSchemaErrors(rule: unknown): string[] {
  if (validateSigma(rule)) return [];
  return (validateSigma.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

export interface RenderContext {
  /** The definition file, as the "generated from" header names it. */
  readonly source: string;
}

export class Renderer {
  private readonly templates: Record<string, CompiledTemplate>;
  constructor(sources: TemplateSources) {
    this.templates = createTemplateEnv(sources);
  }

  private template(name: (typeof TEMPLATE_NAMES)[number]): CompiledTemplate {
    const t = this.templates[name];
    if (!t) throw new Error(`template ${name}.hbs is missing`);
    return t;
  }

  /** `CHANGELOG.md` from the manifest's per-event histories, newest version first. */
  renderChangelog(manifest: { events: Record<string, { definition: string; history: unknown[] }> }): string {
    const events = Object.entries(manifest.events)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, e]) => ({
        name,
        definition: e.definition,
        history: (e.history as { version: string; initial?: boolean; changes: { severity: string }[] }[]).map((h) => ({
          ...h,
          breaking: h.changes.filter((c) => c.severity === 'breaking'),
          compatible: h.changes.filter((c) => c.severity === 'compatible'),
          docs: h.changes.filter((c) => c.severity === 'docs'),
        })),
      }));
    return this.template('changelog.md')({ events });
  }

  /** The file content of an artifact, checked before anyone writes it. */
  render(a: AnyArtifact, ctx: RenderContext): string {
    const kind: ArtifactKind = a.kind;
    switch (a.kind) {
      case 'component_template':
      case 'index_template':
      case 'ingest_pipeline':
      case 'queries':
        return stableJson(a.body);
      case 'elastic_rule':
        return `${stableJsonLine(a.body)}\n`;
      case 'sigma_rule':
      case 'security_analytics_rule': {
        const text = this.template('sigma-rule.yml')({ source: ctx.source, header: a.body.header, rule: a.body.rule });
        checkYaml(a.path, text, a.body.rule);
        return text;
      }
      case 'field_docs': {
        const text = this.template('fields.md')({ source: ctx.source, ...a.body });
        checkMarkdown(a.path, text, a.body.event.fields.length, a.body.fields.length);
        return text;
      }
      default:
        return assertNever(a, `artifact kind ${kind}`);
    }
  }
}

/**
 * Parses the YAML back with both a 1.2 and a 1.1 reader: each must give exactly the rule we meant
 * (no value broke out of its scalar, no date turned into a timestamp), and the rule must pass the
 * Sigma schema.
 */
function checkYaml(path: string, text: string, rule: unknown): void {
  for (const version of ['1.2', '1.1'] as const) {
    let parsed: unknown;
    try {
      parsed = YAML.parse(text, { version, strict: true, uniqueKeys: true });
    } catch (err) {
      throw new RenderError(path, `generated YAML does not parse (YAML ${version}): ${(err as Error).message}`);
    }
    if (!isDeepStrictEqual(parsed, JSON.parse(JSON.stringify(rule)))) {
      throw new RenderError(path, `generated YAML reads back differently under YAML ${version}; a value was not quoted safely`);
    }
  }
  const errors = sigmaSchemaErrors(rule);
  if (errors.length) throw new RenderError(path, `rule fails the Sigma schema: ${errors.join('; ')}`);
}

/** The two tables must have one row per field, each with the right number of cells. */
function checkMarkdown(path: string, text: string, eventFields: number, indexFields: number): void {
  const lines = text.split('\n');
  const table = (headerStart: string): string[] => {
    const at = lines.findIndex((l) => l.startsWith(headerStart));
    if (at < 0) throw new RenderError(path, `field reference lost its table "${headerStart}"`);
    const rows: string[] = [];
    for (let i = at + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
    return rows;
  };
  const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length - 2;
  const data = table('| # | Field |');
  const index = table('| Field | Type |');
  if (data.length !== eventFields || data.some((r) => cells(r) !== 7)) throw new RenderError(path, 'event data table is malformed');
  if (index.length !== indexFields || index.some((r) => cells(r) !== 4)) throw new RenderError(path, 'index field table is malformed');
}
