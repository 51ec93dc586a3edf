/**
 * FAKE (test double) of Kibana's Elastic Security detection engine API — the only Kibana surface
 * evforge uses. In-memory, no Elasticsearch behind it.
 *
 * Imitates:
 * - `POST /api/detection_engine/rules/_import?overwrite=true|false` — multipart/form-data with one
 *   `file` part named `*.ndjson` (https://www.elastic.co/guide/en/security/current/rules-api-import.html):
 *   every non-empty line is a rule (an export-summary line with `exported_count` is skipped), each is
 *   validated (rule_id, name, description, risk_score 0–100, severity, type-specific query/language,
 *   threat entries, array/boolean field types) and refused rules are listed in `errors` of an HTTP
 *   200 answer; an existing rule_id without overwrite is a 409 error.
 * - `GET /api/detection_engine/rules?rule_id=…` (or `?id=…`) and `DELETE` of the same
 *   (https://www.elastic.co/guide/en/security/current/rules-api-get.html): the stored rule plus the
 *   fields Kibana adds (id, created_at/by, updated_at/by, immutable, rule_source, revision,
 *   related_integrations, setup, exceptions_list, actions, defaults such as interval/from/to/
 *   max_signals/enabled, and `ecs` on each required_fields entry).
 * - `GET /api/status` (a minimal `version.number`).
 * - Kibana core behaviour: Basic auth (401) when username/password are configured, then the
 *   `kbn-xsrf` header check on every non-GET request (400). Route errors use the security
 *   solution's `{ message, status_code }` body; core errors use Hapi's `{ statusCode, error, message }`.
 *
 * Does NOT imitate: API keys, spaces (`/s/<space>/api/…`), rule execution or alerts, exceptions /
 * action connectors in the import file, the exact zod error wording, ECS field-type checks for
 * `required_fields[].ecs` (decided by the field's top-level namespace only), `_find`, `_export`,
 * `_bulk_action`, create/update/patch routes, and size limits.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, recordRequest, requestUrl, sendJson, type RecordedRequest } from './http.ts';

export interface FakeKibanaOptions {
  username?: string;
  password?: string;
  /** Reported by `GET /api/status`. Default 9.1.0. */
  version?: string;
}

export interface FakeKibana {
  readonly url: string;
  /** Every request received, in order (with headers, to check kbn-xsrf / authorization). */
  readonly requests: RecordedRequest[];
  /** Stored rules as `GET /api/detection_engine/rules` would return them, in creation order. */
  rules(): Record<string, unknown>[];
  /** How many `_import` requests got past auth and xsrf checks. */
  imports(): number;
  reset(): void;
  close(): Promise<void>;
}

const RULES = '/api/detection_engine/rules';
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const RULE_TYPES = ['query', 'saved_query', 'eql', 'esql', 'threshold', 'threat_match', 'machine_learning', 'new_terms'];
/** Top-level ECS field sets (https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html). */
const ECS_ROOTS = new Set([
  '@timestamp', 'agent', 'as', 'client', 'cloud', 'code_signature', 'container', 'data_stream', 'destination', 'device', 'dll', 'dns', 'ecs', 'elf',
  'email', 'error', 'event', 'faas', 'file', 'geo', 'group', 'hash', 'host', 'http', 'interface', 'labels', 'log', 'macho', 'message', 'network',
  'observer', 'orchestrator', 'organization', 'os', 'package', 'pe', 'process', 'registry', 'related', 'risk', 'rule', 'server', 'service',
  'source', 'span', 'tags', 'threat', 'tls', 'trace', 'transaction', 'url', 'user', 'user_agent', 'volume', 'vulnerability', 'x509',
]);
const STRING_ARRAYS = ['tags', 'index', 'references', 'false_positives', 'author', 'output_index_list'];

function boom(res: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { statusCode: status, error, message }, headers);
}

function siemError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { message, status_code: status });
}

export async function startFakeKibana(opts: FakeKibanaOptions = {}): Promise<FakeKibana> {
  const requests: RecordedRequest[] = [];
  const rules = new Map<string, Record<string, unknown>>();
  let importCount = 0;
  const user = opts.username ?? 'elastic';

  const server = await listen(async (req, res) => {
    requests.push(recordRequest(req));
    const method = req.method ?? 'GET';
    const url = requestUrl(req);

    if (opts.username !== undefined || opts.password !== undefined) {
      const expected = `Basic ${Buffer.from(`${opts.username ?? ''}:${opts.password ?? ''}`).toString('base64')}`;
      const got = req.headers.authorization;
      if (got === undefined) return boom(res, 401, 'Unauthorized', 'Unauthorized', { 'www-authenticate': 'Basic realm="kibana"' });
      if (got !== expected) {
        const name = got.startsWith('Basic ') ? Buffer.from(got.slice(6), 'base64').toString('utf8').split(':')[0] : '';
        const reason = `unable to authenticate user [${name}] for REST request [/_security/_authenticate]`;
        return boom(res, 401, 'Unauthorized', `[security_exception\n\tRoot causes:\n\t\tsecurity_exception: ${reason}]: ${reason}`, { 'www-authenticate': 'Basic realm="kibana"' });
      }
    }
    if (method !== 'GET' && method !== 'HEAD' && req.headers['kbn-xsrf'] === undefined) {
      return boom(res, 400, 'Bad Request', 'Request must contain a kbn-xsrf header.');
    }

    const path = url.pathname.replace(/\/+$/, '');
    if (path === `${RULES}/_import`) {
      if (method !== 'POST') return boom(res, 404, 'Not Found', 'Not Found');
      importCount++;
      return importRules(req, res, url, rules, user);
    }
    if (path === RULES) {
      if (method === 'GET') return readRule(res, url, rules);
      if (method === 'DELETE') {
        const found = findRule(res, url, rules);
        if (found) rules.delete(String(found.rule_id));
        if (found) sendJson(res, 200, found);
        return;
      }
      return boom(res, 404, 'Not Found', 'Not Found');
    }
    if (path === '/api/status' && method === 'GET') {
      return sendJson(res, 200, { name: 'fake-kibana', uuid: '00000000-0000-4000-8000-000000000000', version: { number: opts.version ?? '9.1.0', build_flavor: 'traditional' }, status: { overall: { level: 'available' } } });
    }
    boom(res, 404, 'Not Found', 'Not Found');
  });

  return {
    url: server.url,
    requests,
    rules: () => [...rules.values()].map((r) => structuredClone(r)),
    imports: () => importCount,
    reset: () => {
      requests.length = 0;
    },
    close: server.close,
  };
}

/* ───────────────────────────── GET / DELETE ───────────────────────────── */

function findRule(res: ServerResponse, url: URL, rules: Map<string, Record<string, unknown>>): Record<string, unknown> | undefined {
  const ruleId = url.searchParams.get('rule_id');
  const id = url.searchParams.get('id');
  if (ruleId === null && id === null) {
    siemError(res, 400, 'either "id" or "rule_id" must be set');
    return undefined;
  }
  const found = ruleId !== null ? rules.get(ruleId) : [...rules.values()].find((r) => r.id === id);
  if (!found) {
    siemError(res, 404, ruleId !== null ? `rule_id: "${ruleId}" not found` : `id: "${id}" not found`);
    return undefined;
  }
  return structuredClone(found);
}

function readRule(res: ServerResponse, url: URL, rules: Map<string, Record<string, unknown>>): void {
  const found = findRule(res, url, rules);
  if (found) sendJson(res, 200, found);
}

/* ───────────────────────────── _import ───────────────────────────── */

interface Part {
  headers: Record<string, string>;
  name?: string;
  filename?: string;
  content: Buffer;
}

/** Parses a multipart/form-data body (RFC 7578). Throws on a malformed body. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart body has no boundary delimiter');
  pos += delimiter.length;
  const parts: Part[] = [];
  for (;;) {
    if (body.subarray(pos, pos + 2).toString('latin1') === '--') return parts;
    if (body.subarray(pos, pos + 2).toString('latin1') !== '\r\n') throw new Error('malformed multipart delimiter line');
    pos += 2;
    const end = body.indexOf(next, pos);
    if (end < 0) throw new Error('multipart body is not terminated');
    const raw = body.subarray(pos, end);
    const split = raw.indexOf('\r\n\r\n');
    if (split < 0) throw new Error('multipart part has no header block');
    const headers: Record<string, string> = {};
    for (const line of raw.subarray(0, split).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const disposition = headers['content-disposition'] ?? '';
    const param = (key: string): string | undefined => new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition)?.[1]?.replace(/\\(.)/g, '$1');
    parts.push({ headers, name: param('name'), filename: param('filename'), content: raw.subarray(split + 4) });
    pos = end + next.length;
  }
}

async function importRules(req: IncomingMessage, res: ServerResponse, url: URL, rules: Map<string, Record<string, unknown>>, user: string): Promise<void> {
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) return boom(res, 415, 'Unsupported Media Type', 'Unsupported Media Type');
  const overwriteParam = url.searchParams.get('overwrite');
  if (overwriteParam !== null && overwriteParam !== 'true' && overwriteParam !== 'false') {
    return boom(res, 400, 'Bad Request', `[request query]: overwrite: Invalid enum value. Expected 'true' | 'false', received '${overwriteParam}'`);
  }
  const overwrite = overwriteParam === 'true';
  let parts: Part[];
  try {
    parts = parseMultipart(body, boundary[1] ?? boundary[2] ?? '');
  } catch (err) {
    return boom(res, 400, 'Bad Request', `Invalid multipart payload format: ${(err as Error).message}`);
  }
  const file = parts.find((p) => p.name === 'file');
  if (!file || file.filename === undefined) return boom(res, 400, 'Bad Request', '[request body]: file: Required');
  const dot = file.filename.lastIndexOf('.');
  const extension = dot < 0 ? '' : file.filename.slice(dot);
  if (extension !== '.ndjson') return siemError(res, 400, `Invalid file extension ${extension}`);

  const errors: { rule_id: string; error: { status_code: number; message: string } }[] = [];
  let rulesCount = 0;
  let success = 0;
  const seen = new Set<string>();
  for (const line of file.content.toString('utf8').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    let rule: unknown;
    try {
      rule = JSON.parse(line);
    } catch (err) {
      rulesCount++;
      errors.push({ rule_id: '(unknown id)', error: { status_code: 400, message: `Unexpected token in JSON: ${(err as Error).message}` } });
      continue;
    }
    if (typeof rule === 'object' && rule !== null && 'exported_count' in rule) continue;
    rulesCount++;
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      errors.push({ rule_id: '(unknown id)', error: { status_code: 400, message: 'Expected object, received ' + (Array.isArray(rule) ? 'array' : typeof rule) } });
      continue;
    }
    const r = rule as Record<string, unknown>;
    const ruleId = typeof r.rule_id === 'string' && r.rule_id !== '' ? r.rule_id : '(unknown id)';
    const problems = validateRule(r);
    if (problems.length > 0) {
      errors.push({ rule_id: ruleId, error: { status_code: 400, message: problems.join(', ') } });
      continue;
    }
    if (seen.has(ruleId)) {
      errors.push({ rule_id: ruleId, error: { status_code: 400, message: `More than one rule with rule-id: "${ruleId}" found` } });
      continue;
    }
    seen.add(ruleId);
    const existing = rules.get(ruleId);
    if (existing && !overwrite) {
      errors.push({ rule_id: ruleId, error: { status_code: 409, message: `rule_id: "${ruleId}" already exists` } });
      continue;
    }
    rules.set(ruleId, withServerFields(r, existing, user));
    success++;
  }
  sendJson(res, 200, {
    success: errors.length === 0,
    success_count: success,
    rules_count: rulesCount,
    errors,
    exceptions_success: true,
    exceptions_success_count: 0,
    exceptions_errors: [],
    action_connectors_success: true,
    action_connectors_success_count: 0,
    action_connectors_errors: [],
    action_connectors_warnings: [],
  });
}

function nonEmptyString(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/** Problems with one imported rule, worded like Kibana's zod schema errors. */
export function validateRule(r: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['rule_id', 'name', 'description'] as const) {
    if (r[key] === undefined) out.push(`${key}: Required`);
    else if (!nonEmptyString(r[key])) out.push(`${key}: ${typeof r[key] === 'string' ? 'String must contain at least 1 character(s)' : `Expected string, received ${typeof r[key]}`}`);
  }
  const risk = r.risk_score;
  if (risk === undefined) out.push('risk_score: Required');
  else if (typeof risk !== 'number' || !Number.isInteger(risk)) out.push(`risk_score: Expected integer, received ${typeof risk === 'number' ? 'float' : typeof risk}`);
  else if (risk < 0) out.push('risk_score: Number must be greater than or equal to 0');
  else if (risk > 100) out.push('risk_score: Number must be less than or equal to 100');
  if (r.severity === undefined) out.push('severity: Required');
  else if (!SEVERITIES.includes(r.severity as string)) out.push(`severity: Invalid enum value. Expected 'low' | 'medium' | 'high' | 'critical', received '${String(r.severity)}'`);

  const type = r.type;
  if (type === undefined) out.push('type: Required');
  else if (!RULE_TYPES.includes(type as string)) out.push(`type: Invalid discriminator value. Expected ${RULE_TYPES.map((t) => `'${t}'`).join(' | ')}`);
  else if (type === 'query' || type === 'threshold' || type === 'threat_match' || type === 'new_terms') {
    if (r.query === undefined) out.push('query: Required');
    else if (typeof r.query !== 'string') out.push(`query: Expected string, received ${typeof r.query}`);
    if (r.language === undefined) {
      if (type === 'query') out.push('language: Required');
    } else if (r.language !== 'kuery' && r.language !== 'lucene') {
      out.push(`language: Invalid enum value. Expected 'kuery' | 'lucene', received '${String(r.language)}'`);
    }
  } else if (type === 'eql' || type === 'esql') {
    if (typeof r.query !== 'string') out.push('query: Required');
    if (r.language !== type) out.push(`language: Invalid literal value, expected "${type}"`);
  }

  if (r.threat !== undefined) {
    if (!Array.isArray(r.threat)) out.push('threat: Expected array, received ' + typeof r.threat);
    else
      r.threat.forEach((t: unknown, i: number) => {
        const e = t as { framework?: unknown; tactic?: { id?: unknown; name?: unknown; reference?: unknown } } | null;
        if (typeof e?.framework !== 'string') out.push(`threat.${i}.framework: Required`);
        if (typeof e?.tactic !== 'object' || e.tactic === null) out.push(`threat.${i}.tactic: Required`);
        else for (const k of ['id', 'name', 'reference'] as const) if (typeof e.tactic[k] !== 'string') out.push(`threat.${i}.tactic.${k}: Required`);
      });
  }
  for (const key of STRING_ARRAYS) {
    const v = r[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) out.push(`${key}: Expected array of strings`);
  }
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean') out.push(`enabled: Expected boolean, received ${typeof r.enabled}`);
  if (r.version !== undefined && !(typeof r.version === 'number' && Number.isInteger(r.version) && r.version >= 1)) out.push('version: Number must be greater than or equal to 1');
  if (r.max_signals !== undefined && !(typeof r.max_signals === 'number' && Number.isInteger(r.max_signals) && r.max_signals >= 1)) out.push('max_signals: Number must be greater than or equal to 1');
  if (r.required_fields !== undefined) {
    if (!Array.isArray(r.required_fields)) out.push('required_fields: Expected array');
    else
      r.required_fields.forEach((f: unknown, i: number) => {
        const e = f as { name?: unknown; type?: unknown } | null;
        if (!nonEmptyString(e?.name)) out.push(`required_fields.${i}.name: Required`);
        if (!nonEmptyString(e?.type)) out.push(`required_fields.${i}.type: Required`);
      });
  }
  return [...new Set(out)];
}

function withServerFields(r: Record<string, unknown>, existing: Record<string, unknown> | undefined, user: string): Record<string, unknown> {
  const now = new Date().toISOString();
  const requiredFields = Array.isArray(r.required_fields)
    ? (r.required_fields as { name: string; type: string }[]).map((f) => ({ name: f.name, type: f.type, ecs: ECS_ROOTS.has(f.name.split('.')[0] ?? '') }))
    : [];
  return {
    // Defaults Kibana fills for an imported rule…
    enabled: false,
    interval: '5m',
    from: 'now-6m',
    to: 'now',
    max_signals: 100,
    version: 1,
    tags: [],
    references: [],
    false_positives: [],
    threat: [],
    author: [],
    severity_mapping: [],
    risk_score_mapping: [],
    related_integrations: [],
    setup: '',
    exceptions_list: [],
    actions: [],
    // …the rule as imported…
    ...structuredClone(r),
    // …and the fields only the server sets.
    required_fields: requiredFields,
    id: existing?.id ?? randomUUID(),
    created_at: existing?.created_at ?? now,
    created_by: existing?.created_by ?? user,
    updated_at: now,
    updated_by: user,
    immutable: false,
    rule_source: { type: 'internal' },
    revision: existing ? Number(existing.revision ?? 0) + 1 : 0,
  };
}
