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

/** Writes the last path segment of a Windows or POSIX path, unless the target has a value. params.from / params.to: path segments. */
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
  '  if (o.get(params.to.get(n - 1)) == null) { o.put(params.to.get(n - 1), s.substring(i + 1)); }',
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

/** True when the value at params.path is present (not null). */
export const IS_PRESENT = [
  'def v = ctx;',
  'for (def k : params.path) { v = v instanceof Map ? v.get(k) : null; }',
  'return v != null;',
].join('\n');

/** True when the value at params.path is a number. */
export const IS_NUMBER = [
  'def v = ctx;',
  'for (def k : params.path) { v = v instanceof Map ? v.get(k) : null; }',
  'return v instanceof Number;',
].join('\n');

/** True when something is at params.present and nothing at params.absent. */
export const PRESENT_AND_ABSENT = [
  'def p = ctx;',
  'for (def k : params.present) { p = p instanceof Map ? p.get(k) : null; }',
  'def a = ctx;',
  'for (def k : params.absent) { a = a instanceof Map ? a.get(k) : null; }',
  'return p != null && a == null;',
].join('\n');

/** True when nothing is at params.path. */
export const IS_ABSENT = [
  'def v = ctx;',
  'for (def k : params.path) { v = v instanceof Map ? v.get(k) : null; }',
  'return v == null;',
].join('\n');

/** Painless functions shared by the scripts below (each script carries its own copy). */
const PATH_FUNCTIONS = [
  '/* the map that holds the last segment of a path, created when asked; null when a non-map is in the way */',
  'Map holder(Map root, List path, boolean create) {',
  '  Map m = root;',
  '  for (int i = 0; i < path.size() - 1; i++) {',
  '    def k = path.get(i);',
  '    def c = m.get(k);',
  '    if (c == null) { if (!create) { return null; } c = new HashMap(); m.put(k, c); }',
  '    if (!(c instanceof Map)) { return null; }',
  '    m = (Map) c;',
  '  }',
  '  return m;',
  '}',
  'def last(List path) { return path.get(path.size() - 1); }',
];

/**
 * Header normalization in one pass: this event's numeric task/opcode → their names, header copies
 * (`event.code` …), ECS defaults and appended categories.
 * Collector values win (nothing is overwritten but the numbers named). A non-object in the way is
 * skipped: the shape guard deals with it.
 * params: names [{path, number, name}], copies [{from, to}], defaults [{path, value}],
 * appends [{path, values}].
 */
export const NORMALIZE_HEADER = [
  ...PATH_FUNCTIONS,
  'for (def n : params.names) {',
  '  Map h = holder(ctx, n.path, false);',
  '  if (h != null) { def v = h.get(last(n.path)); if ((v instanceof Number || v instanceof String) && String.valueOf(v) == String.valueOf(n.number)) { h.put(last(n.path), n.name); } }',
  '}',
  'for (def c : params.copies) {',
  '  Map from = holder(ctx, c.from, false);',
  '  def v = from == null ? null : from.get(last(c.from));',
  '  if (v != null && !(v instanceof Map)) { Map to = holder(ctx, c.to, true); if (to != null && to.get(last(c.to)) == null) { to.put(last(c.to), v); } }',
  '}',
  'for (def d : params.defaults) {',
  '  Map h = holder(ctx, d.path, true);',
  '  if (h != null && h.get(last(d.path)) == null) { h.put(last(d.path), d.value); }',
  '}',
  'for (def a : params.appends) {',
  '  Map h = holder(ctx, a.path, true);',
  '  if (h != null) {',
  '    def cur = h.get(last(a.path));',
  '    List l;',
  '    if (cur instanceof List) { l = (List) cur; } else { l = new ArrayList(); if (cur != null) { l.add(cur); } }',
  '    for (def v : a.values) { if (!l.contains(v)) { l.add(v); } }',
  '    h.put(last(a.path), l);',
  '  }',
  '}',
].join('\n');

/**
 * Makes a document indexable whatever arrived: walks the fields the mapping declares and moves a
 * value of the wrong shape (an object where a value belongs, a value where an object belongs, a
 * dotted key, a write to an alias, a non-boolean boolean) to `evforge.invalid` (stored, not
 * indexed), then marks the event. Undeclared fields are left alone: the mapping does not index them.
 * params.tree: {name: subtree | type}.
 */
export const SHAPE_GUARD = [
  'boolean composite(def v) { if (v instanceof Map) { return true; } if (v instanceof List) { for (def x : v) { if (x instanceof Map || x instanceof List) { return true; } } } return false; }',
  'boolean badBoolean(def v) { if (v instanceof List) { for (def x : v) { if (badBoolean(x)) { return true; } } return false; } return v != null && !(v instanceof Boolean) && v != \'true\' && v != \'false\'; }',
  'void walk(Map m, Map tree, String prefix, List bad) {',
  '  for (def k : new ArrayList(m.keySet())) {',
  '    String key = String.valueOf(k);',
  '    if (prefix.isEmpty() && key.startsWith(\'_\')) { continue; }',
  '    def v = m.get(k);',
  '    String path = prefix.isEmpty() ? key : prefix + \'.\' + key;',
  '    if (key.indexOf(\'.\') >= 0) { bad.add([path, v]); m.remove(k); continue; }',
  '    def spec = tree.get(key);',
  '    if (spec == null || v == null) { continue; }',
  '    if (spec instanceof Map) {',
  '      if (v instanceof Map) { walk((Map) v, (Map) spec, path, bad); continue; }',
  '      if (v instanceof List) {',
  '        boolean maps = true;',
  '        for (def x : v) { if (!(x instanceof Map)) { maps = false; } }',
  '        if (maps) { for (def x : v) { walk((Map) x, (Map) spec, path, bad); } continue; }',
  '      }',
  '      bad.add([path, v]); m.remove(k); continue;',
  '    }',
  '    if (spec == \'disabled\') { continue; }',
  '    if (spec == \'alias\' || composite(v) || (spec == \'boolean\' && badBoolean(v))) { bad.add([path, v]); m.remove(k); }',
  '  }',
  '}',
  'List bad = new ArrayList();',
  'def ev = ctx.get(\'evforge\');',
  'if (ev != null && !(ev instanceof Map)) { bad.add([\'evforge\', ev]); ctx.remove(\'evforge\'); }',
  'walk(ctx, params.tree, \'\', bad);',
  'if (!bad.isEmpty()) {',
  '  Map e = ctx.get(\'evforge\') instanceof Map ? (Map) ctx.get(\'evforge\') : new HashMap();',
  '  ctx.put(\'evforge\', e);',
  '  def inv = e.get(\'invalid\');',
  '  Map store;',
  '  if (inv instanceof Map) { store = (Map) inv; } else { store = new HashMap(); if (inv != null) { store.put(\'evforge.invalid\', inv); } e.put(\'invalid\', store); }',
  '  List names = new ArrayList();',
  '  for (def b : bad) { String p = (String) b.get(0); String name = p; int n = 2; while (store.containsKey(name)) { name = p + \'#\' + n; n++; } store.put(name, b.get(1)); names.add(p); }',
  '  def event = ctx.get(\'event\');',
  '  if (!(event instanceof Map)) { event = new HashMap(); ctx.put(\'event\', event); }',
  '  event.put(\'kind\', \'pipeline_error\');',
  '  def error = ctx.get(\'error\');',
  '  if (!(error instanceof Map)) { error = new HashMap(); ctx.put(\'error\', error); }',
  '  def msg = error.get(\'message\');',
  '  List l;',
  '  if (msg instanceof List) { l = (List) msg; } else { l = new ArrayList(); if (msg != null) { l.add(msg); } }',
  '  l.add(\'fields of the wrong shape were moved to evforge.invalid: \' + String.join(\', \', names));',
  '  error.put(\'message\', l);',
  '}',
].join('\n');

/** Moves the value at params.path to `evforge.invalid` (after a processor could not use it). */
export const QUARANTINE = [
  ...PATH_FUNCTIONS,
  'Map h = holder(ctx, params.path, false);',
  'if (h != null && h.containsKey(last(params.path))) {',
  '  def v = h.remove(last(params.path));',
  '  def e = ctx.get(\'evforge\');',
  '  if (!(e instanceof Map)) { e = new HashMap(); ctx.put(\'evforge\', e); }',
  '  def inv = e.get(\'invalid\');',
  '  if (!(inv instanceof Map)) { inv = new HashMap(); e.put(\'invalid\', inv); }',
  '  inv.put(String.join(\'.\', params.path), v);',
  '}',
].join('\n');
