/**
 * The Painless scripts the pipeline uses. Each is a fixed source: everything that varies (field
 * names, tokens, message text) arrives through `params`, so no definition text can change a script's
 * code, and each source is compiled once however many processors use it.
 * @see https://www.elastic.co/guide/en/elasticsearch/painless/current/painless-ingest-processor-context.html
 */

/** Renders `message` from the template when the event has none. params.parts: strings and {field}. */
export const RENDER_MESSAGE = [
  "def m = ctx.get('message');",
  'if (m == null || (m instanceof String && m.isEmpty())) {',
  "  def w = ctx.get('winlog');",
  "  def d = w instanceof Map ? w.get('event_data') : null;",
  '  StringBuilder sb = new StringBuilder();',
  '  for (def p : params.parts) {',
  '    if (p instanceof String) { sb.append(p); }',
  "    else if (d instanceof Map) { def v = d.get(p.get('field')); if (v != null) { sb.append(String.valueOf(v)); } }",
  '  }',
  "  ctx.put('message', sb.toString());",
  '}',
].join('\n');

/** Drops event data values that mean "none". params.tokens: {field: [token, …]}. */
export const DROP_NULL_TOKENS = [
  "def w = ctx.get('winlog');",
  "def d = w instanceof Map ? w.get('event_data') : null;",
  'if (d instanceof Map) {',
  '  for (def e : params.tokens.entrySet()) {',
  '    def v = d.get(e.getKey());',
  '    if (v instanceof String && e.getValue().contains(v)) { d.remove(e.getKey()); }',
  '  }',
  '}',
].join('\n');

/** Writes the last path segment of a Windows or POSIX path. params.from / params.to: path segments. */
export const BASENAME = [
  'def v = ctx;',
  'for (def k : params.from) { v = v instanceof Map ? v.get(k) : null; }',
  'if (v instanceof String) {',
  "  String s = (String) v;",
  "  int i = s.lastIndexOf('\\\\');",
  "  int j = s.lastIndexOf('/');",
  '  if (j > i) { i = j; }',
  '  def o = ctx;',
  '  int n = params.to.size();',
  '  for (int x = 0; x < n - 1; x++) {',
  '    def k = params.to.get(x);',
  '    def c = o.get(k);',
  '    if (c == null) { c = new HashMap(); o.put(k, c); }',
  '    o = c;',
  '  }',
  '  o.put(params.to.get(n - 1), s.substring(i + 1));',
  '}',
].join('\n');

/** True when the number at params.path lies outside [params.min, params.max]. */
export const OUT_OF_RANGE = [
  'def v = ctx;',
  'for (def k : params.path) { v = v instanceof Map ? v.get(k) : null; }',
  'return v instanceof Number && (v.longValue() < params.min || v.longValue() > params.max);',
].join('\n');

/** True when `system` holds nothing but empty objects once its fields have moved to `winlog`. */
export const SYSTEM_EMPTIED = [
  "def s = ctx.get('system');",
  'if (!(s instanceof Map)) { return false; }',
  'for (def v : s.values()) { if (!(v instanceof Map) || !v.isEmpty()) { return false; } }',
  'return true;',
].join('\n');

/** True when the value at params.path is a number equal to params.value. */
export const NUMBER_EQUALS = [
  'def v = ctx;',
  'for (def k : params.path) { v = v instanceof Map ? v.get(k) : null; }',
  'return v instanceof Number && v.longValue() == params.value;',
].join('\n');

/** True when the value at params.path is present (not null). */
export const IS_PRESENT = [
  'def v = ctx;',
  'for (def k : params.path) { v = v instanceof Map ? v.get(k) : null; }',
  'return v != null;',
].join('\n');

/** True when nothing is at params.path. */
export const IS_ABSENT = [
  'def v = ctx;',
  'for (def k : params.path) { v = v instanceof Map ? v.get(k) : null; }',
  'return v == null;',
].join('\n');
