import { ClusterError } from '../../errors.ts';
import { isRecord, messageOf } from '../../guards.ts';
import { arrayField, field, header, numberField, objectField, stringField } from './read.ts';
import { attemptsBefore } from './retry.ts';

// The credentials registry and ClusterError live with the error base (src/errors.ts), which clears
// every message of the credentials, and which the library exports without loading the cluster edge.
export { ClusterError, rememberSecrets, withoutSecrets } from '../../errors.ts';

/**
 * Removes `user:password@` from a URL so it can be shown. Text that is not an http(s) URL but holds
 * an `@` (`user:pass@host`, `http://user@pass:host`) may carry a password anywhere: none of it is shown.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      u.username = '';
      u.password = '';
      return u.toString().replace(/\/$/, '');
    }
  } catch {
    /* not a URL: shown only without an @ */
  }
  return url.includes('@') ? '(not shown: it contains "@" and may hold a password)' : url;
}

/** Percent-decodes URL credentials; a `%` that starts no escape is taken literally. */
export function decodeCredential(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The longest engine reason shown: the engines echo whole scripts and mappings in theirs. */
export const MAX_REASON = 300;

/**
 * An engine's reason as it may be shown: a script the engine refused for its size is named by its
 * size (the engines quote the whole script: 199 KB of output for one push), anything else is cut
 * to MAX_REASON characters, saying how much was left out.
 */
export function shortReason(reason: string): string {
  const tooBig = /exceeded max allowed (inline|stored) script size in bytes \[(\d+)\] with size \[(\d+)\]/.exec(reason);
  if (tooBig) return `an ${tooBig[1]} script of ${tooBig[3]} bytes is over script.max_size_in_bytes (${tooBig[2]})`;
  const oneLine = reason.replace(/\s+/g, ' ');
  return oneLine.length <= MAX_REASON ? oneLine : `${oneLine.slice(0, MAX_REASON - 60)}… (${oneLine.length - (MAX_REASON - 60)} more characters not shown)`;
}

/** The engine's `{error: {type, reason, root_cause}}`, or a plain-text body, as one line, its reasons shortened (shortReason). */
function engineError(body: unknown): { type?: string; reason?: string } {
  const e = field(body, 'error');
  if (typeof e === 'string') return { reason: e };
  if (isRecord(e)) {
    const first = arrayField(e, 'root_cause')[0];
    const causedBy = objectField(e, 'caused_by');
    const causeReason = stringField(causedBy, 'reason');
    const reason = shortReason(stringField(e, 'reason') ?? stringField(first, 'reason') ?? 'no reason given');
    const shortCause = causeReason === undefined ? undefined : shortReason(causeReason);
    // A cause that only repeats the reason (a wrapped exception) is said once.
    const cause = shortCause && !reason.includes(shortCause) ? ` (caused by ${stringField(causedBy, 'type')}: ${shortCause})` : '';
    const type = stringField(e, 'type') ?? stringField(first, 'type');
    return { ...(type !== undefined ? { type } : {}), reason: `${reason}${cause}` };
  }
  if (isRecord(body) && 'message' in body) return { reason: shortReason(String(body.message)) };
  if (typeof body === 'string' && body.trim()) return { reason: shortReason(body.trim()) };
  return {};
}

const HINTS: Record<number, string> = {
  401: 'check the credentials (--username/--password, --api-key, or EVFORGE_USERNAME / EVFORGE_PASSWORD / EVFORGE_API_KEY)',
  403: 'the user lacks a privilege for this request (e.g. manage_index_templates, manage_pipeline)',
  404: 'the object or endpoint does not exist on this cluster',
  409: 'the object changed or already exists; run the command again',
  429: 'the cluster is overloaded; wait and run the command again',
  503: 'the cluster is unavailable; check its health and run the command again',
};

const SCRIPT_SIZE_HINT = 'split the data stream (give some definitions another dataset) so each script fits; `evforge check` reports each script\'s size against the limit before any push';

/** `Retry-After: 2` or an HTTP date → milliseconds. @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Statuses that say "try again later": overload (429) and a gateway or node not ready (502–504). */
export const TRANSIENT_STATUSES: readonly number[] = [429, 502, 503, 504];

/**
 * Any error from either official client → ClusterError, naming `action`. Both clients' errors are
 * read by their fields (`name`, `message`, `meta.statusCode`, `meta.body`, `meta.headers`), which
 * the two share. An error that was retried to the bound says how many attempts were made.
 */
export function toClusterError(err: unknown, action: string, url: string): ClusterError {
  const e = err instanceof ClusterError ? err : fromClientError(err, action, url);
  const attempts = attemptsBefore(err);
  return attempts === undefined ? e : new ClusterError(`${e.message} (after ${attempts} attempts)`, e.details);
}

function fromClientError(err: unknown, action: string, url: string): ClusterError {
  const meta = field(err, 'meta');
  const status = numberField(meta, 'statusCode');
  if (status !== undefined && status >= 400) {
    const { type, reason } = engineError(field(meta, 'body'));
    const hint = reason?.includes('over script.max_size_in_bytes') ? SCRIPT_SIZE_HINT : HINTS[status];
    const retryAfterMs = parseRetryAfter(header(field(meta, 'headers'), 'retry-after'));
    return new ClusterError(`${action} failed: HTTP ${status}${type ? ` ${type}` : ''}${reason ? `: ${reason}` : ''}`, {
      status,
      ...(type ? { type } : {}),
      ...(reason ? { reason } : {}),
      action,
      ...(hint ? { hint } : {}),
      retryable: TRANSIENT_STATUSES.includes(status),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const name = stringField(err, 'name') ?? 'Error';
  const safeUrl = redactUrl(url);
  if (name === 'ConnectionError' || name === 'NoLivingConnectionsError') {
    const text = stringField(err, 'message') ?? '';
    // https:// to a port that speaks plain HTTP: OpenSSL reads the HTTP answer as a TLS record.
    const mismatch = /wrong version number|packet length too long|unknown protocol|http request|record layer failure/i.test(text);
    const tls = !mismatch && /certificate|self[- ]signed|SSL|TLS|UNABLE_TO_VERIFY/i.test(text);
    const reset = /socket hang up|ECONNRESET|other side closed|aborted|cut short/i.test(text);
    if (mismatch) {
      return new ClusterError(`${action} failed: protocol mismatch: ${safeUrl} does not speak TLS (the port answers in plain HTTP, or another protocol)`, {
        action,
        hint: safeUrl.startsWith('https:') ? `use ${safeUrl.replace(/^https:/, 'http:')}, or the cluster's TLS port` : 'check the scheme and port of --node',
        retryable: false,
      });
    }
    const what = reset ? `the connection to ${safeUrl} was reset` : `cannot connect to ${safeUrl}${tls ? ' (TLS certificate not trusted)' : ''}`;
    return new ClusterError(`${action} failed: ${what}: ${text.replace(/https?:\/\/[^\s]*@/g, (m) => redactUrl(m))}`, {
      action,
      hint: tls ? 'pass the cluster CA with --ca FILE (or --insecure to skip verification, not recommended)' : `is the cluster running at ${safeUrl}? For a local one: npm run cluster -- start`,
      retryable: !tls,
    });
  }
  if (name === 'TimeoutError') return new ClusterError(`${action} failed: ${safeUrl} did not answer in time`, { action, hint: 'the cluster may be overloaded; raise --timeout or retry', retryable: true });
  if (name === 'DeserializationError') return new ClusterError(`${action} failed: ${safeUrl} sent a response that is not valid JSON`, { action, hint: 'is this an Elasticsearch/OpenSearch endpoint (and not a proxy error page)?', retryable: false });
  const message = messageOf(err);
  return new ClusterError(`${action} failed: ${message}`, { action });
}
