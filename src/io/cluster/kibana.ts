import { isRecord, messageOf } from '../../guards.ts';
import { Agent, FormData, request } from 'undici';
import { stableJsonLine } from '../../json.ts';
import type { ConnectionOptions } from './client.ts';
import { ClusterError, parseRetryAfter, redactUrl, rememberSecrets, toClusterError, TRANSIENT_STATUSES } from './errors.ts';
import { arrayField, field, header, objectField, stringField } from './read.ts';
import { withRetries } from './retry.ts';

/**
 * Kibana's detection engine API, the only Kibana surface evforge uses.
 * @see https://www.elastic.co/guide/en/security/current/rules-api-import.html
 * @see https://www.elastic.co/guide/en/security/current/rules-api-get.html
 */
export interface KibanaRules {
  readonly url: string;
  /** The rule as Kibana holds it, or undefined. */
  getRule(ruleId: string): Promise<Record<string, unknown> | undefined>;
  /** `_import?overwrite=true` of these rules; throws naming every rule Kibana refused. */
  importRules(rules: readonly object[]): Promise<void>;
}

interface KibanaOptions extends Omit<ConnectionOptions, 'node'> {
  readonly url: string;
}

export function kibanaRules(o: KibanaOptions): KibanaRules {
  let base: URL;
  try {
    base = new URL(o.url);
  } catch {
    throw new ClusterError(`${redactUrl(o.url)} is not a URL`, { hint: 'pass --kibana http(s)://host:5601' });
  }
  const username = o.username ?? (base.username ? decodeURIComponent(base.username) : undefined);
  const password = o.password ?? (base.password ? decodeURIComponent(base.password) : undefined);
  rememberSecrets({ username, password, apiKey: o.apiKey, userinfo: `${base.username}:${base.password}` });
  base.username = '';
  base.password = '';
  const url = redactUrl(base.toString());
  const dispatcher = new Agent({ connect: { ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecure } });
  const auth: Record<string, string> = o.apiKey
    ? { authorization: `ApiKey ${o.apiKey}` }
    : username !== undefined
      ? { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` }
      : {};

  /** One attempt: Kibana's answer as JSON, or a ClusterError saying whether it is worth another. */
  async function once(method: 'GET' | 'POST', path: string, action: string, body?: () => FormData): Promise<{ status: number; json: unknown }> {
    let res;
    try {
      res = await request(new URL(path, base), {
        method,
        dispatcher,
        headers: { 'kbn-xsrf': 'evforge', accept: 'application/json', ...auth },
        ...(body ? { body: body() } : {}),
        headersTimeout: o.requestTimeoutMs ?? 30_000,
        bodyTimeout: o.requestTimeoutMs ?? 30_000,
      });
    } catch (err) {
      throw new ClusterError(`${action} failed: cannot connect to Kibana at ${url}: ${messageOf(err)}`, { action, hint: 'check --kibana', retryable: true });
    }
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ClusterError(`${action} failed: Kibana at ${url} answered with something that is not JSON (HTTP ${res.statusCode})`, { action, status: res.statusCode });
    }
    if (res.statusCode >= 400 && res.statusCode !== 404) {
      const retryAfterMs = parseRetryAfter(header(res.headers, 'retry-after'));
      throw new ClusterError(`${action} failed: HTTP ${res.statusCode} ${stringField(json, 'error') ?? ''}: ${stringField(json, 'message') ?? text.slice(0, 200)}`, {
        action,
        status: res.statusCode,
        retryable: TRANSIENT_STATUSES.includes(res.statusCode),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    return { status: res.statusCode, json };
  }

  /**
   * Both calls are safe to repeat (a read; an import that overwrites by `rule_id`), so every
   * transient failure is retried by the cluster edge's one retry helper.
   */
  async function call(method: 'GET' | 'POST', path: string, action: string, body?: () => FormData): Promise<{ status: number; json: unknown }> {
    try {
      return await withRetries(
        () => once(method, path, action, body),
        (err) => (err instanceof ClusterError && err.details.retryable ? (err.details.retryAfterMs !== undefined ? { retryAfterMs: err.details.retryAfterMs } : {}) : undefined),
      );
    } catch (err) {
      throw toClusterError(err, action, url);
    }
  }

  return {
    url,
    async getRule(ruleId) {
      const r = await call('GET', `/api/detection_engine/rules?rule_id=${encodeURIComponent(ruleId)}`, `GET Kibana rule ${ruleId}`);
      return r.status === 404 || !isRecord(r.json) ? undefined : { ...r.json };
    },
    async importRules(rules) {
      const ndjson = rules.map((r) => stableJsonLine(r)).join('\n') + '\n';
      // A form per attempt: a sent body is consumed.
      const form = () => {
        const f = new FormData();
        f.append('file', new Blob([ndjson], { type: 'application/ndjson' }), 'evforge-rules.ndjson');
        return f;
      };
      const r = await call('POST', '/api/detection_engine/rules/_import?overwrite=true', `import ${rules.length} Kibana rule(s)`, form);
      const errors = arrayField(r.json, 'errors');
      if (field(r.json, 'success') !== true || errors.length > 0) {
        const reasons = errors.map((e) => `${stringField(e, 'rule_id') ?? '?'}: ${stringField(objectField(e, 'error'), 'message') ?? 'refused'}`).join('; ');
        throw new ClusterError(`Kibana refused rule import: ${reasons || 'no reason given'}`, { action: 'import Kibana rules' });
      }
    },
  };
}
