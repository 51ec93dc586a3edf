/**
 * FAKE (test double) of the OpenSearch Security Analytics (SA) plugin's rule API, mounted as a
 * reverse proxy in front of a REAL OpenSearch node that lacks the plugin.
 *
 * Imitates (https://docs.opensearch.org/2.19/security-analytics/api-tools/rule-api/):
 * - `GET /_cat/plugins?format=json[&h=…]`: the node's answer plus rows for
 *   opensearch-job-scheduler, opensearch-alerting and opensearch-security-analytics on every node
 *   (https://docs.opensearch.org/2.19/api-reference/cat/cat-plugins/). Other formats: forwarded.
 * - `POST /_plugins/_security_analytics/rules?category=C` (body: raw Sigma YAML, whatever the
 *   content-type) → 201; `PUT …/rules/<id>?category=C[&forced=true]` → 200 (404 for an unknown id);
 *   `POST …/rules/_search?pre_packaged=false` → custom rules as a search response (only `size` of
 *   the body is honoured); `pre_packaged=true` or missing → no hits; `DELETE …/rules/<id>` → 200.
 * - Rule validation as in the plugin's SigmaRule.fromDict / Rule
 *   (https://github.com/opensearch-project/security-analytics/blob/main/src/main/java/org/opensearch/securityanalytics/rules/objects/SigmaRule.java):
 *   YAML 1.1 parsing like SnakeYAML (duplicate keys allowed, unquoted dates become timestamps),
 *   `category` required and a built-in log type, `id` a UUID, `level`, `status`, `title` (≤ 256),
 *   `description`, `author`, `logsource` (product/category/service), `detection` with `condition`
 *   whose identifiers match `[a-zA-Z_][a-zA-Z_0-9]*` (with `*` in `1 of sel*`) and exist, tags
 *   `namespace.name`, and `date`: a string in yyyy/MM/dd or yyyy-MM-dd form. A date that is no
 *   such string — an unquoted YAML date, a number — or a missing date makes the real plugin throw a
 *   NullPointerException in `Rule`'s constructor (`rule.getDate().getTime()`), hence HTTP 500 here.
 * - Everything else is forwarded unchanged to the real node (as counting-proxy.ts does).
 *
 * Does NOT imitate: pre-packaged rules, detectors, findings, alerts, custom log types, the
 * `.opensearch-sap-*` indices (rules live in memory, invisible to `_search` on the node), the
 * compilation of Sigma detections into `queries` (always `[]`), the check that rule fields exist in
 * the log type's field mappings, title character rules, YAML nesting limits, security/auth, and
 * search bodies beyond `size`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { engineError, fetchUpstream, forward, isWrite, listen, readBody, recordRequest, requestUrl, sendJson, upstream, type RecordedRequest, type Upstream } from './http.ts';

/** Built-in log types of Security Analytics 2.19 (valid `category` values). */
export const SA_LOG_TYPES = [
  'ad_ldap',
  'apache_access',
  'azure',
  'cloudtrail',
  'dns',
  'github',
  'gworkspace',
  'linux',
  'm365',
  'netflow',
  'network',
  'okta',
  'others_application',
  'others_apt',
  'others_cloud',
  'others_compliance',
  'others_macos',
  'others_proxy',
  'others_web',
  's3',
  'test_windows',
  'vpcflow',
  'waf',
  'windows',
] as const;

const RULE_BASE = '/_plugins/_security_analytics/rules';
const CUSTOM_RULES_INDEX = '.opensearch-sap-custom-rules-config';
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
const STATUSES = ['stable', 'experimental', 'test', 'deprecated', 'unsupported'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONDITION_KEYWORDS = new Set(['and', 'or', 'not', 'of', 'all', 'them', 'any']);
const PLUGINS = [
  ['opensearch-job-scheduler', 'OpenSearch Job Scheduler plugin'],
  ['opensearch-alerting', 'Amazon OpenSearch alerting plugin'],
  ['opensearch-security-analytics', 'OpenSearch Security Analytics plugin'],
] as const;

export interface StoredSaRule {
  /** Document id the plugin assigned (`_id`). */
  id: string;
  category: string;
  /** The Sigma YAML exactly as sent. */
  text: string;
  version: number;
}

export interface FakeSecurityAnalytics {
  readonly url: string;
  /** Every request received (answered here or forwarded), in order. */
  readonly requests: RecordedRequest[];
  /** Custom rules stored, in creation order. */
  rules(): StoredSaRule[];
  /** Requests that change state (see counting-proxy.ts `isWrite`). */
  writes(): number;
  reset(): void;
  close(): Promise<void>;
}

interface RuleRecord extends StoredSaRule {
  source: Record<string, unknown>;
}

type Checked = { ok: true; source: Record<string, unknown> } | { ok: false; status: number; body: unknown };

export async function startFakeSecurityAnalytics(target: string): Promise<FakeSecurityAnalytics> {
  const up = upstream(target);
  const requests: RecordedRequest[] = [];
  const stored = new Map<string, RuleRecord>();

  const server = await listen(async (req, res) => {
    requests.push(recordRequest(req));
    const url = requestUrl(req);
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';

    if (method === 'GET' && path === '/_cat/plugins' && url.searchParams.get('format') === 'json') return catPlugins(up, req, res, url);
    if (path === RULE_BASE || path.startsWith(`${RULE_BASE}/`)) {
      const rest = path.slice(RULE_BASE.length + 1);
      if (method === 'POST' && path === RULE_BASE) return createRule(req, res, url, stored);
      if (method === 'POST' && rest === '_search') return searchRules(req, res, url, stored);
      if (method === 'PUT' && rest !== '' && !rest.includes('/')) return updateRule(req, res, url, stored, decodeURIComponent(rest));
      if (method === 'DELETE' && rest !== '' && !rest.includes('/')) return deleteRule(res, stored, decodeURIComponent(rest));
      return sendJson(res, 405, { error: `Incorrect HTTP method for uri [${req.url}] and method [${method}]`, status: 405 });
    }
    forward(up, req, res);
  }, up.destroy);

  return {
    url: server.url,
    requests,
    rules: () => [...stored.values()].map(({ id, category, text, version }) => ({ id, category, text, version })),
    writes: () => requests.filter((r) => isWrite(r.method, r.path)).length,
    reset: () => {
      requests.length = 0;
    },
    close: server.close,
  };
}

/* ───────────────────────────── _cat/plugins ───────────────────────────── */

async function catPlugins(up: Upstream, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const answer = await fetchUpstream(up, 'GET', req.url ?? '/_cat/plugins?format=json', { accept: 'application/json' });
  let rows: unknown;
  try {
    rows = JSON.parse(answer.body.toString('utf8'));
  } catch {
    rows = undefined;
  }
  if (answer.status !== 200 || !Array.isArray(rows)) {
    res.writeHead(answer.status, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
    res.end(answer.body);
    return;
  }
  const nodes = await fetchUpstream(up, 'GET', '/_cat/nodes?format=json&h=name');
  const root = await fetchUpstream(up, 'GET', '/');
  const names = (JSON.parse(nodes.body.toString('utf8')) as { name: string }[]).map((n) => n.name).sort();
  const version = (JSON.parse(root.body.toString('utf8')) as { version?: { number?: string } }).version?.number ?? '2.19.0';
  const aliases: Record<string, string> = { n: 'name', c: 'component', v: 'version', d: 'description' };
  const columns = (url.searchParams.get('h') ?? 'name,component,version')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => aliases[c] ?? c);
  for (const name of names) {
    for (const [component, description] of PLUGINS) {
      const full: Record<string, string> = { id: name, name, component, version: `${version}.0`, description };
      const row: Record<string, string | null> = {};
      for (const c of columns) row[c] = full[c] ?? null;
      rows.push(row);
    }
  }
  sendJson(res, 200, rows);
}

/* ───────────────────────────── rules ───────────────────────────── */

function newDocId(): string {
  return randomBytes(15).toString('base64url');
}

function categoryError(url: URL): { status: number; body: unknown } | undefined {
  const category = url.searchParams.get('category');
  if (category === null) return { status: 400, body: engineError(400, 'illegal_argument_exception', 'Missing category') };
  if (!(SA_LOG_TYPES as readonly string[]).includes(category)) return { status: 400, body: engineError(400, 'illegal_argument_exception', 'Invalid rule category') };
  return undefined;
}

async function createRule(req: IncomingMessage, res: ServerResponse, url: URL, stored: Map<string, RuleRecord>): Promise<void> {
  const text = (await readBody(req)).toString('utf8');
  const bad = categoryError(url);
  if (bad) return sendJson(res, bad.status, bad.body);
  const category = url.searchParams.get('category')!;
  const checked = checkSigma(text, category);
  if (!checked.ok) return sendJson(res, checked.status, checked.body);
  const id = newDocId();
  stored.set(id, { id, category, text, version: 1, source: checked.source });
  sendJson(res, 201, ruleResponse(id, 1, checked.source), { location: `${RULE_BASE}/${id}` });
}

async function updateRule(req: IncomingMessage, res: ServerResponse, url: URL, stored: Map<string, RuleRecord>, id: string): Promise<void> {
  const text = (await readBody(req)).toString('utf8');
  const bad = categoryError(url);
  if (bad) return sendJson(res, bad.status, bad.body);
  const existing = stored.get(id);
  if (!existing) return sendJson(res, 404, engineError(404, 'security_analytics_exception', `Rule with id ${id} is not found`));
  const category = url.searchParams.get('category')!;
  const checked = checkSigma(text, category);
  if (!checked.ok) return sendJson(res, checked.status, checked.body);
  const version = existing.version + 1;
  stored.set(id, { id, category, text, version, source: checked.source });
  sendJson(res, 200, ruleResponse(id, version, checked.source));
}

function deleteRule(res: ServerResponse, stored: Map<string, RuleRecord>, id: string): void {
  const existing = stored.get(id);
  if (!existing) return sendJson(res, 404, engineError(404, 'security_analytics_exception', `Rule with id ${id} is not found`));
  stored.delete(id);
  sendJson(res, 200, { _id: id, _version: existing.version + 1 });
}

async function searchRules(req: IncomingMessage, res: ServerResponse, url: URL, stored: Map<string, RuleRecord>): Promise<void> {
  const raw = (await readBody(req)).toString('utf8').trim();
  let size = 10;
  if (raw !== '') {
    let body: { size?: unknown };
    try {
      body = JSON.parse(raw) as { size?: unknown };
    } catch (err) {
      return sendJson(res, 400, engineError(400, 'parse_exception', `Failed to parse search body: ${(err as Error).message}`));
    }
    if (typeof body.size === 'number') size = body.size;
  }
  const pre = url.searchParams.get('pre_packaged');
  if (pre !== null && pre !== 'true' && pre !== 'false') {
    return sendJson(res, 400, engineError(400, 'illegal_argument_exception', `Failed to parse value [${pre}] as only [true] or [false] are allowed.`));
  }
  const custom = pre === 'false';
  const all = custom ? [...stored.values()] : [];
  sendJson(res, 200, {
    took: 1,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: {
      total: { value: all.length, relation: 'eq' },
      max_score: all.length > 0 ? 1 : null,
      hits: all.slice(0, Math.max(0, size)).map((r, i) => ({
        _index: CUSTOM_RULES_INDEX,
        _id: r.id,
        _version: r.version,
        _seq_no: i,
        _primary_term: 1,
        _score: 1,
        _source: r.source,
      })),
    },
  });
}

function ruleResponse(id: string, version: number, source: Record<string, unknown>): Record<string, unknown> {
  const { queries: _q, query_field_names: _f, aggregationQueries: _a, ...rule } = source;
  return { _id: id, _version: version, rule };
}

/* ───────────────────────────── Sigma validation ───────────────────────────── */

function sigmaError(reasons: string[]): Checked {
  return { ok: false, status: 400, body: engineError(400, 'security_analytics_exception', reasons.join(', ')) };
}

/** An exception the real plugin does not catch (NullPointerException, ClassCastException…): HTTP 500. */
function internalError(reason: string, javaType: string): Checked {
  return { ok: false, status: 500, body: engineError(500, 'security_analytics_exception', reason, { caused_by: { type: javaType, reason } }) };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Java's `Object.toString()` as SnakeYAML values would render, enough for the checks below. */
function javaString(v: unknown): string {
  return v instanceof Date ? v.toUTCString() : String(v);
}

function values(v: unknown): { value: string }[] {
  return Array.isArray(v) ? v.map((x) => ({ value: javaString(x) })) : [];
}

/** Parses and validates a Sigma rule like the plugin; on success, the `_source` the plugin would store. */
export function checkSigma(text: string, category: string): Checked {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { version: '1.1', uniqueKeys: false });
  } catch (err) {
    return sigmaError([`Rule is not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (!isMap(doc)) return internalError('Rule is not a YAML mapping', 'class_cast_exception');

  const errors: string[] = [];
  if (!('id' in doc) || !UUID_RE.test(javaString(doc.id))) errors.push('Sigma rule identifier must be an UUID');

  if (!('level' in doc)) errors.push('null is no valid Sigma rule level');
  else if (!LEVELS.includes(javaString(doc.level).toLowerCase())) errors.push(`${javaString(doc.level)} is no valid Sigma rule level`);

  if (!('status' in doc)) errors.push('null is no valid Sigma rule status');
  else if (!STATUSES.includes(javaString(doc.status).toLowerCase())) errors.push(`${javaString(doc.status)} is no valid Sigma rule status`);

  let date: Date | undefined;
  if ('date' in doc && typeof doc.date === 'string') {
    const s = doc.date;
    const m = s.includes('/') ? /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(s) : s.includes('-') ? /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s) : null;
    if (m) date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    else if (s.includes('/') || s.includes('-')) errors.push(`Rule date ${s} is invalid, must be yyyy/mm/dd or yyyy-mm-dd`);
  }

  let logSource: string | undefined;
  if (!('logsource' in doc)) errors.push('Sigma rule must have a log source');
  else if (!isMap(doc.logsource)) return internalError('logsource is not a mapping', 'class_cast_exception');
  else {
    const ls = doc.logsource;
    const pick = ls.category ?? ls.product ?? ls.service;
    if (pick === undefined || pick === null) errors.push('Sigma log source cannot be empty');
    else logSource = javaString(pick);
  }

  if (!('detection' in doc)) errors.push('Sigma rule must have a detection definitions');
  else if (!isMap(doc.detection)) return internalError('detection is not a mapping', 'class_cast_exception');
  else errors.push(...conditionErrors(doc.detection));

  if ('tags' in doc && doc.tags !== null) {
    if (!Array.isArray(doc.tags)) return internalError('tags is not a list', 'class_cast_exception');
    for (const t of doc.tags) if (!javaString(t).includes('.')) errors.push(`Sigma rule tag [${javaString(t)}] must be namespace.name`);
  }

  if ('title' in doc && doc.title !== null && javaString(doc.title).length > 256) errors.push('Sigma rule title can be max 256 characters');

  if (errors.length > 0) return sigmaError(errors);

  // Reached only when the checks above pass; in the plugin these are NullPointerExceptions.
  for (const key of ['title', 'description', 'author'] as const) {
    if (doc[key] === undefined || doc[key] === null) return internalError(`rule ${key} is missing`, 'null_pointer_exception');
  }
  if (!('date' in doc) || doc.date === null) return internalError('rule date is missing', 'null_pointer_exception');
  if (typeof doc.date !== 'string') return internalError('rule date is not a string', 'null_pointer_exception');
  if (!date) return internalError(`rule date ${doc.date} is neither yyyy/MM/dd nor yyyy-MM-dd`, 'null_pointer_exception');

  return {
    ok: true,
    source: {
      category,
      title: javaString(doc.title),
      log_source: logSource ?? '',
      description: javaString(doc.description),
      references: values(doc.references),
      tags: values(doc.tags),
      level: javaString(doc.level).toLowerCase(),
      false_positives: values(doc.falsepositives),
      author: javaString(doc.author),
      status: javaString(doc.status).toLowerCase(),
      last_update_time: date.toISOString(),
      queries: [],
      query_field_names: [],
      aggregationQueries: [],
      rule: text,
    },
  };
}

function conditionErrors(detection: Record<string, unknown>): string[] {
  const cond = detection.condition;
  const conditions = typeof cond === 'string' ? [cond] : Array.isArray(cond) ? cond.map(javaString) : [];
  if (conditions.length === 0) return ['Sigma rule must have at least one condition'];
  const names = Object.keys(detection).filter((k) => k !== 'condition' && k !== 'timeframe');
  const errors: string[] = [];
  for (const c of conditions) {
    const expression = c.split('|')[0] ?? '';
    for (const token of expression.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean)) {
      if (CONDITION_KEYWORDS.has(token.toLowerCase()) || /^\d+$/.test(token)) continue;
      if (!/^[a-zA-Z_*][a-zA-Z_0-9*]*$/.test(token)) {
        errors.push(`Invalid condition identifier [${token}] in [${c}]: identifiers must match [a-zA-Z_][a-zA-Z_0-9]*`);
      } else if (token.includes('*')) {
        const re = new RegExp(`^${token.replace(/\*/g, '.*')}$`);
        if (!names.some((n) => re.test(n))) errors.push(`Detection identifier pattern [${token}] matches no detection`);
      } else if (!names.includes(token)) {
        errors.push(`Detection identifier [${token}] not found`);
      }
    }
  }
  return errors;
}
