import { isDeepStrictEqual } from 'node:util';
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import YAML from 'yaml';
import type { AnyArtifact, ArtifactKind } from '../generate/index.ts';
import type { PainlessSources } from '../generate/painless.ts';
import { MAX_LINE } from '../generate/pipeline-data.ts';
import { InternalError, RenderError, assertNever } from '../errors.ts';
import { commentText, createTemplateEnv, type CompiledTemplate } from './handlebars.ts';
import { precompiledValidator } from '../precompiled.ts';
import { stableJson, stableJsonLine } from '../json.ts';
import { isRecord, valueAt } from '../guards.ts';
import { blockYaml, linesHolding, readYaml } from './yaml.ts';

export { RenderError } from '../errors.ts';

/** Template names the serializer needs (files `templates/<name>.hbs`). */
export const TEMPLATE_NAMES = ['sigma-rule.yml', 'fields.md', 'changelog.md'] as const;
export type TemplateSources = Readonly<Record<(typeof TEMPLATE_NAMES)[number], string>>;

/**
 * The Sigma JSON schema (SigmaHQ/sigma-specification v2.1.0, public domain). Draft 2020-12; ajv's
 * strict mode refuses one of its `items` keywords, hence `strict: false`.
 * @see https://github.com/SigmaHQ/sigma-specification/tree/main/json-schema
 */
const requireHere = createRequire(import.meta.url);
export const sigmaSchema = schemaObject(requireHere('../rules/sigma-detection-rule-schema.json'));
function schemaObject(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new InternalError('rules/sigma-detection-rule-schema.json is not a JSON object');
  return value;
}
/**
 * Its ajv, without the schema; scripts/build.mjs compiles the schema with it into dist/. ajv and
 * ajv-formats are loaded here, not at import (they would slow every start): the compiled CLI validates
 * with the code the build wrote and never compiles.
 */
export function sigmaAjv(options: { code?: { source: boolean } } = {}): Ajv2020 {
  const { Ajv2020: Ajv }: typeof import('ajv/dist/2020.js') = requireHere('ajv/dist/2020.js');
  const ajv = new Ajv({ strict: false, allErrors: true, ...options });
  // ajv-formats' CommonJS default export reaches ESM as the module object under some loaders.
  const plugin: unknown = requireHere('ajv-formats');
  const apply = typeof plugin === 'function' ? plugin : valueAt(plugin, 'default');
  if (typeof apply !== 'function') throw new InternalError('ajv-formats exports no plugin function');
  apply(ajv);
  return ajv;
}
let validateSigma: ValidateFunction | undefined; // on first use, not at import

export function sigmaSchemaErrors(rule: unknown): string[] {
  validateSigma ??= precompiledValidator('sigma-rule') ?? sigmaAjv().compile(sigmaSchema);
  if (validateSigma(rule)) return [];
  return (validateSigma.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

export interface RenderContext {
  /** The definition file, as the "generated from" header names it. */
  readonly source: string;
}

/** What the changelog is rendered from: the manifest's histories (manifest/manifest.ts owns their meaning). */
type Change = { readonly severity: string };
export interface ChangelogInput {
  readonly datasets: Readonly<Record<string, { data_stream: string; members: readonly string[]; history: readonly { members: Readonly<Record<string, string>>; added: readonly string[]; removed: readonly string[]; changes: readonly Change[] }[] }>>;
  readonly events: Readonly<Record<string, { definition: string; dataset: string; history: readonly { version: string; initial?: boolean; changes: readonly Change[] }[] }>>;
}

export class Renderer {
  private readonly templates: Record<string, CompiledTemplate>;
  constructor(
    sources: TemplateSources,
    /** templates/painless/, for the pipelines the renderer's artifacts hold. */
    readonly painless: PainlessSources,
  ) {
    this.templates = createTemplateEnv(sources);
  }

  private template(name: (typeof TEMPLATE_NAMES)[number]): CompiledTemplate {
    const t = this.templates[name];
    if (!t) throw new InternalError(`template ${name}.hbs is missing`);
    return t;
  }

  /** `CHANGELOG.md` from the manifest: each data stream's membership changes, then each event's versions, newest first. */
  renderChangelog(manifest: ChangelogInput): string {
    const split = <T extends { changes: readonly Change[] }>(h: T) => ({
      ...h,
      breaking: h.changes.filter((c) => c.severity === 'breaking'),
      compatible: h.changes.filter((c) => c.severity === 'compatible'),
      docs: h.changes.filter((c) => c.severity === 'docs'),
    });
    const byName = <T>(o: Record<string, T>) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
    const datasets = byName(manifest.datasets).map(([name, b]) => ({
      name,
      data_stream: b.data_stream,
      members: b.members,
      history: b.history.map((h) => ({ ...split(h), members: Object.entries(h.members).map(([e, v]) => `${e} ${v}`) })),
    }));
    const events = byName(manifest.events).map(([name, e]) => ({ name, definition: e.definition, dataset: e.dataset, history: e.history.map(split) }));
    return this.template('changelog.md')({ datasets, events });
  }

  /** The file content of an artifact, checked before anyone writes it. */
  render(a: AnyArtifact, ctx: RenderContext): string {
    const kind: ArtifactKind = a.kind;
    switch (a.kind) {
      case 'ingest_pipeline':
        return renderPipeline(a.path, a.body, ctx.source);
      case 'component_template':
      case 'index_template':
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
        checkMarkdown(a.path, text, a.body.events.map((e) => e.event.fields.length), a.body.fields.length);
        return text;
      }
      default:
        return assertNever(a, `artifact kind ${kind}`);
    }
  }
}

/** A YAML comment of any length as `# ` lines cut at spaces, none longer than a pipeline file's lines may be. */
function commentLines(text: string): string {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(' ')) {
    if (line.length > 1 && line.length + 1 + word.length > MAX_LINE) {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  return [...lines, line].join('\n');
}

/**
 * An ingest pipeline as YAML, the way elastic/integrations keep theirs: every script a literal
 * block scalar, one line of Painless per line of the file, so a one-line change to the script or a
 * definition is a one-line diff. Keys sorted as in the JSON artifacts. Read back before anyone
 * writes it (YAML 1.2 core schema, duplicate keys refused): what is pushed (the body) is exactly
 * what the file says, compared as the JSON that is pushed (keys sorted as js-yaml writes them). js-yaml
 * writes and reads it: the `yaml` library gave the same text and proof at several times the cost,
 * which dominated a large `generate` (bench/RESULTS.md, generator).
 * @see https://yaml.org/spec/1.2.2/#812-literal-style
 */
export function renderPipeline(path: string, body: unknown, source: string): string {
  const yaml = blockYaml(body);
  const header = commentLines(`Generated by evforge from ${commentText(source)}. Do not edit: change the definition and run \`evforge generate\`.`);
  const text = `${header}\n${yaml}`;
  let read: unknown;
  try {
    read = readYaml(text, path);
  } catch (err) {
    throw new RenderError(path, `generated YAML does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The file's keys are sorted (js-yaml's sortKeys, the same order as stableJson's): one string
  // comparison instead of a copy of the body and a deep comparison with it.
  if (JSON.stringify(read) !== stableJsonLine(body)) throw new RenderError(path, 'generated pipeline YAML reads back differently from the pipeline');
  // Every multi-line script source must be a literal block (`source: |`), not a quoted string of `\n`s.
  const blocks = linesHolding(text, 'source: ').reduce((n, [start, end]) => n + (text.slice(start, end).match(SCRIPT_LINES)?.length ?? 0), 0);
  if (blocks !== multiLineSources(body)) throw new RenderError(path, 'a script source could not be written as a block scalar (one line per line of Painless)');
  return text;
}

/** Lines opening a script's literal block, anchored or not (searched only in lines that hold `source: `). */
const SCRIPT_LINES = /^[ -]*source: (?:&\w+ )?\|[-+0-9]*$/gm;

/** How many different `source` values in the pipeline span more than one line (a repeated one is written once). */
function multiLineSources(value: unknown, found: Set<string> = new Set()): number {
  if (Array.isArray(value)) value.forEach((v) => multiLineSources(v, found));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'source' && typeof v === 'string' && v.includes('\n')) found.add(v);
      else multiLineSources(v, found);
    }
  }
  return found.size;
}

/**
 * A plain (unquoted) scalar that YAML 1.1 and 1.2 surely read alike: a word-like string that is
 * no 1.1 boolean or null, a decimal integer, or a UUID. Anything else sends the check to a full 1.1 read.
 */
const SAME_IN_BOTH = /^(?:(?!(?:y|n|yes|no|on|off|true|false|null)$)[a-z][a-z0-9 ./|_()*-]*|-?[1-9][0-9]*|0|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * Parses the YAML back, and it must give exactly the rule we meant (no value broke out of its
 * scalar, no date turned into a timestamp) under both a 1.2 reader and a 1.1 one (PyYAML, so
 * pySigma), and the rule must pass the Sigma schema. Both readers share YAML's syntax and differ
 * only in how they type plain scalars, so the 1.1 read runs only when a plain scalar could be
 * typed differently: a second full parse of every rule was a tenth of a 1 000-definition run.
 */
export function checkYaml(path: string, text: string, rule: unknown): void {
  const expected: unknown = JSON.parse(JSON.stringify(rule));
  const read = (version: '1.1' | '1.2') => {
    const doc = YAML.parseDocument(text, { version, strict: true, uniqueKeys: true });
    const [error] = doc.errors;
    if (error) throw new RenderError(path, `generated YAML does not parse (YAML ${version}): ${error.message}`);
    if (!isDeepStrictEqual(doc.toJS(), expected)) {
      throw new RenderError(path, `generated YAML reads back differently under YAML ${version}; a value was not quoted safely`);
    }
    return doc;
  };
  const doc = read('1.2');
  let ambiguous = false;
  YAML.visit(doc, {
    Scalar(_key, node) {
      // An explicit tag (e.g. !!timestamp) also resolves by the version's own schema.
      const source = 'source' in node && typeof node.source === 'string' ? node.source : String(node.value);
      if (node.tag !== undefined || (node.type === 'PLAIN' && !SAME_IN_BOTH.test(source))) {
        ambiguous = true;
        return YAML.visit.BREAK;
      }
      return undefined;
    },
  });
  if (ambiguous) read('1.1');
  const errors = sigmaSchemaErrors(rule);
  if (errors.length) throw new RenderError(path, `rule fails the Sigma schema: ${errors.join('; ')}`);
}

/** Each event's data table and the index table must have one row per field, each with the right number of cells. */
function checkMarkdown(path: string, text: string, eventFields: readonly number[], indexFields: number): void {
  const lines = text.split('\n');
  const tables = (headerStart: string): string[][] => {
    const out: string[][] = [];
    lines.forEach((l, at) => {
      if (!l.startsWith(headerStart)) return;
      const rows: string[] = [];
      for (const row of lines.slice(at + 2)) {
        if (!row.startsWith('|')) break;
        rows.push(row);
      }
      out.push(rows);
    });
    return out;
  };
  const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length - 2;
  const data = tables('| # | Field |');
  const index = tables('| Field | Type |');
  if (data.length !== eventFields.length) throw new RenderError(path, `field reference has ${data.length} event data tables for ${eventFields.length} events`);
  data.forEach((rows, i) => {
    if (rows.length !== eventFields[i] || rows.some((r) => cells(r) !== 7)) throw new RenderError(path, `event data table ${i + 1} is malformed`);
  });
  const [rows, ...more] = index;
  if (!rows || more.length || rows.length !== indexFields || rows.some((r) => cells(r) !== 4)) throw new RenderError(path, 'index field table is malformed');
}
