/**
 * The Painless evforge's pipelines run: the whole normalization as one script driven entirely by
 * `params`, and the small scripts of the failure handler, built from the same helpers.
 *
 * Why one script: measured on OpenSearch 2.19 (bench/), a pipeline costs ~13 µs per document just
 * to exist, each native processor ~1 µs, each conditional one ~2 µs, and each script processor a
 * copy of the whole document. Fifty small processors cost more than one script that does the same
 * work. Nothing that varies is in the source: field names, tokens and message text are params, so
 * no definition can change the code, and one compiled script serves every definition.
 *
 * Each step catches its own failure: a value that cannot be converted is moved to
 * `evforge.invalid` and the event is marked, but the rest of it is still normalized.
 * @see https://www.elastic.co/guide/en/elasticsearch/painless/current/painless-ingest-processor-context.html
 */
/** Functions every script below starts with (Painless functions see only their arguments). */
const HELPERS = String.raw`
def at(Map root, List path) {
  def v = root;
  for (def k : path) { if (!(v instanceof Map)) { return null; } v = ((Map) v).get(k); }
  return v;
}
Map holder(Map root, List path, boolean create) {
  Map m = root;
  int n = path.size() - 1;
  for (int i = 0; i < n; i++) {
    def k = path.get(i);
    def c = m.get(k);
    if (c == null) { if (!create) { return null; } c = new HashMap(); m.put(k, c); }
    if (!(c instanceof Map)) { return null; }
    m = (Map) c;
  }
  return m;
}
def last(List path) { return path.get(path.size() - 1); }
void quarantine(Map ctx, String path, def v) {
  def e = ctx.get('evforge');
  if (!(e instanceof Map)) { e = new HashMap(); ctx.put('evforge', e); }
  def inv = ((Map) e).get('invalid');
  if (!(inv instanceof Map)) { Map fresh = new HashMap(); if (inv != null) { fresh.put('evforge.invalid', inv); } inv = fresh; ((Map) e).put('invalid', inv); }
  String name = path; int n = 2;
  while (((Map) inv).containsKey(name)) { name = path + '#' + n; n++; }
  ((Map) inv).put(name, v);
}
boolean composite(def v) {
  if (v instanceof Map) { return true; }
  if (v instanceof List) { for (def x : v) { if (x instanceof Map || x instanceof List) { return true; } } }
  return false;
}
boolean badBoolean(def v) {
  if (v instanceof List) { for (def x : v) { if (badBoolean(x)) { return true; } } return false; }
  return v != null && !(v instanceof Boolean) && v != 'true' && v != 'false';
}
/* Walks only what the mapping declares; builds a path string only for objects and for what it moves. */
void guard(Map ctx, Map m, Map tree, String prefix, List moved) {
  List bad = null;
  for (def entry : m.entrySet()) {
    def v = entry.getValue();
    if (v == null) { continue; }
    String key = String.valueOf(entry.getKey());
    if (prefix == null && key.length() > 0 && key.charAt(0) == (char) '_') { continue; }
    boolean wrong = false;
    if (key.indexOf('.') >= 0) { wrong = true; }
    else {
      def spec = tree.get(key);
      if (spec == null) { continue; }
      if (spec instanceof Map) {
        if (v instanceof Map) { guard(ctx, (Map) v, (Map) spec, prefix == null ? key : prefix + '.' + key, moved); continue; }
        if (v instanceof List) {
          boolean maps = true;
          for (def x : v) { if (!(x instanceof Map)) { maps = false; } }
          if (maps) { for (def x : v) { guard(ctx, (Map) x, (Map) spec, prefix == null ? key : prefix + '.' + key, moved); } continue; }
        }
        wrong = true;
      } else if (v instanceof Map || v instanceof List) {
        wrong = spec != 'disabled' && composite(v);
        if (!wrong && spec == 'boolean') { wrong = badBoolean(v); }
      } else if (spec == 'alias') { wrong = true; }
      else if (spec == 'boolean') { wrong = badBoolean(v); }
    }
    if (wrong) { if (bad == null) { bad = new ArrayList(); } bad.add(entry.getKey()); }
  }
  if (bad != null) {
    for (def k : bad) {
      String path = prefix == null ? String.valueOf(k) : prefix + '.' + k;
      quarantine(ctx, path, m.remove(k));
      moved.add(path);
    }
  }
}
String text(def v) { return v instanceof String ? (String) v : String.valueOf(v); }
String two(int n) { return n < 10 ? '0' + n : String.valueOf(n); }
/* ISO 8601 (with or without offset, or a date alone, taken as UTC) or epoch milliseconds, printed
   like the date processor's strict_date_optional_time_nanos: UTC, 3 to 9 fraction digits. */
String isoUtc(def v) {
  if (v == null || v instanceof Map || v instanceof List || v instanceof Boolean) { return null; }
  String s = text(v).trim();
  if (s.isEmpty()) { return null; }
  ZonedDateTime z = null;
  boolean digits = true;
  for (int i = 0; i < s.length(); i++) { char c = s.charAt(i); if (c < (char) '0' || c > (char) '9') { digits = false; break; } }
  try {
    if (digits) { z = Instant.ofEpochMilli(Long.parseLong(s)).atZone(ZoneOffset.UTC); }
    else if (s.length() == 10) { z = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC); }
    else {
      char t = s.charAt(s.length() - 1);
      boolean zoned = t == (char) 'Z' || t == (char) 'z' || s.lastIndexOf('+') > 10 || s.lastIndexOf('-') > 10;
      z = zoned ? ZonedDateTime.parse(s).withZoneSameInstant(ZoneOffset.UTC) : LocalDateTime.parse(s).atZone(ZoneOffset.UTC);
    }
  } catch (Exception e) { return null; }
  String frac = String.valueOf(1000000000 + z.getNano()).substring(1);
  int end = 9;
  while (end > 3 && frac.charAt(end - 1) == (char) '0') { end--; }
  int y = z.getYear();
  if (y < 1000 || y > 9999) { return null; }
  return y + '-' + two(z.getMonthValue()) + '-' + two(z.getDayOfMonth()) + 'T' + two(z.getHour()) + ':' + two(z.getMinute()) + ':' + two(z.getSecond()) + '.' + frac.substring(0, end) + 'Z';
}

`;

/** The normalization, params as built by normalizeParams() in pipeline.ts. */
export const NORMALIZE = `${HELPERS}${String.raw`List errors = new ArrayList();

/* ── the raw "system" shape → Winlogbeat names (a value already at the target stays where it was) ── */
def system = ctx.get('system');
if (system instanceof Map) {
  for (def h : params.header) {
    Map from = holder(ctx, h.from, false);
    if (from == null || !from.containsKey(last(h.from))) { continue; }
    Map to = holder(ctx, h.to, true);
    if (to == null || to.get(last(h.to)) != null) { continue; }
    to.put(last(h.to), from.remove(last(h.from)));
  }
  boolean empty = true;
  for (def v : ((Map) system).values()) { if (!(v instanceof Map) || !((Map) v).isEmpty()) { empty = false; } }
  if (empty) { ctx.remove('system'); }
}
if (ctx.containsKey('event_data')) {
  Map w = holder(ctx, params.eventData, true);
  if (w != null && w.get(last(params.eventData)) == null) { w.put(last(params.eventData), ctx.remove('event_data')); }
}
for (def p : params.text) {
  Map h = holder(ctx, p, false);
  if (h != null) { def v = h.get(last(p)); if (v instanceof Number || v instanceof Boolean) { h.put(last(p), String.valueOf(v)); } }
}

/* ── event data: every value as text, as Windows sends it ── */
def data = at(ctx, params.eventData);
Map d = data instanceof Map ? (Map) data : null;
if (d != null) {
  for (def e : d.entrySet()) { def v = e.getValue(); if (v instanceof Number || v instanceof Boolean) { e.setValue(String.valueOf(v)); } }
}

/* ── which event is this: provider (by name, else by GUID) + event id, in its channel ── */
def provider = at(ctx, params.providerName);
if (!(provider instanceof String)) {
  def guid = at(ctx, params.providerGuid);
  provider = guid instanceof String ? params.guids.get(((String) guid).replace('{', '').replace('}', '').toUpperCase()) : null;
}
def id = at(ctx, params.eventId);
def spec = provider instanceof String && id != null && !(id instanceof Map) && !(id instanceof List) ? params.events.get(((String) provider).toLowerCase() + '|' + text(id)) : null;
if (spec != null) {
  def channel = at(ctx, params.channel);
  if (channel != null && !(channel instanceof String && ((String) channel).toLowerCase() == spec.channel)) { spec = null; }
}

/* ── this event's own steps: older names, task/opcode names, action, categories ── */
if (spec != null) {
  if (d != null) {
    for (def a : spec.aliases) {
      if (!d.containsKey(a.from)) { continue; }
      if (d.get(a.to) == null) { d.put(a.to, d.remove(a.from)); }
      else { quarantine(ctx, params.eventDataName + '.' + a.from, d.remove(a.from)); errors.add(a.from + ' and ' + a.to + ' both present: ' + a.from + ' kept in evforge.invalid'); }
    }
  }
  for (def n : spec.names) {
    Map h = holder(ctx, n.path, false);
    if (h != null) { def v = h.get(last(n.path)); if ((v instanceof String || v instanceof Number) && text(v) == n.value) { h.put(last(n.path), n.name); } }
  }
  for (def x : spec.defaults) {
    Map h = holder(ctx, x.path, true);
    if (h != null && h.get(last(x.path)) == null) { h.put(last(x.path), x.value); }
  }
  for (def a : spec.appends) {
    Map h = holder(ctx, a.path, true);
    if (h == null) { continue; }
    def cur = h.get(last(a.path));
    List l;
    if (cur instanceof List) { l = (List) cur; } else { l = new ArrayList(); if (cur != null) { l.add(cur); } }
    for (def v : a.values) { if (!l.contains(v)) { l.add(v); } }
    h.put(last(a.path), l);
  }
}

/* ── header, for every event: copies, defaults, log.level from the numeric level ── */
for (def c : params.copies) {
  def v = at(ctx, c.from);
  if (v == null || v instanceof Map) { continue; }
  Map to = holder(ctx, c.to, true);
  if (to != null && to.get(last(c.to)) == null) { to.put(last(c.to), v); }
}
for (def x : params.defaults) {
  Map h = holder(ctx, x.path, true);
  if (h != null && h.get(last(x.path)) == null) { h.put(last(x.path), x.value); }
}
def level = at(ctx, params.level);
if (level != null && !(level instanceof Map) && !(level instanceof List)) {
  def name = params.levels.get(text(level).trim());
  Map h = name == null ? null : holder(ctx, params.logLevel, true);
  if (h != null && h.get(last(params.logLevel)) == null) { h.put(last(params.logLevel), name); }
}

/* ── @timestamp: the one that arrived wins if it parses; else time_created; else the ingest time (later) ── */
def stamp = ctx.get('@timestamp');
String parsed = null;
if (stamp != null) {
  parsed = isoUtc(stamp);
  if (parsed == null) { ctx.remove('@timestamp'); quarantine(ctx, '@timestamp', stamp); errors.add('@timestamp is not a date (kept in evforge.invalid; time_created or the ingest time is used)'); }
}
if (parsed == null) {
  def created = at(ctx, params.timeCreated);
  if (created != null) {
    parsed = isoUtc(created);
    if (parsed == null) { errors.add('winlog.time_created is not a date'); }
  }
}
if (parsed != null) { ctx.put('@timestamp', parsed); }

if (spec != null) {
  /* ── message from the template, when the event has none ── */
  def m = ctx.get('message');
  if (m == null || (m instanceof String && ((String) m).isEmpty())) {
    StringBuilder sb = new StringBuilder();
    for (def p : spec.parts) {
      if (p instanceof String) { sb.append(p); }
      else if (d != null) { def v = d.get(p.field); if (v != null) { sb.append(text(v)); } }
    }
    ctx.put('message', sb.toString());
  }

  /* ── values that mean "none" ── */
  if (d != null) {
    for (def e : spec.nullTokens.entrySet()) { def v = d.get(e.getKey()); if (v instanceof String && e.getValue().contains(v)) { d.remove(e.getKey()); } }
  }

  /* ── ECS targets: never over a value that is there; a value that does not convert goes aside ── */
  if (d != null) {
    for (def t : spec.targets) {
      def v = d.get(t.field);
      if (v == null) { continue; }
      Map to = holder(ctx, t.to, true);
      if (to == null) { errors.add(t.field + ' could not be written to ' + t.target + ': a non-object is in the way'); continue; }
      def key = last(t.to);
      try {
        if (t.op == 'append') {
          if (v instanceof Map || v instanceof List) { throw new IllegalArgumentException('not a single value'); }
          def cur = to.get(key);
          List l;
          if (cur instanceof List) { l = (List) cur; } else { l = new ArrayList(); if (cur != null) { l.add(cur); } }
          if (!l.contains(v)) { l.add(v); }
          to.put(key, l);
          continue;
        }
        if (to.get(key) != null) { continue; }
        if (t.op == 'copy') { to.put(key, v); }
        else if (t.op == 'basename') {
          String s = (String) v;
          int i = s.lastIndexOf('\\');
          int j = s.lastIndexOf('/');
          if (j > i) { i = j; }
          to.put(key, s.substring(i + 1));
        }
        else if (t.op == 'lowercase') { to.put(key, ((String) v).toLowerCase()); }
        else if (t.op == 'uppercase') { to.put(key, ((String) v).toUpperCase()); }
        else if (t.op == 'long') {
          String s = text(v).trim();
          long n = s.startsWith('0x') || s.startsWith('0X') ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
          if (t.min != null && (n < t.min || n > t.max)) { throw new IllegalArgumentException(t.field + ' is outside the ' + t.type + ' range ' + t.min + '…' + t.max); }
          to.put(key, n);
        }
        else if (t.op == 'double') { to.put(key, Double.parseDouble(text(v).trim())); }
        else if (t.op == 'boolean') {
          String s = text(v).trim().toLowerCase();
          if (s != 'true' && s != 'false') { throw new IllegalArgumentException('not a boolean'); }
          to.put(key, s == 'true');
        }
      } catch (Exception e) {
        quarantine(ctx, t.target, v);
        errors.add(t.field + ' could not be written to ' + t.target + ': ' + e.getMessage());
      }
    }
  }
}

/* ── which definition normalized it, or the mark of an event none covers ── */
if (spec != null) {
  Map h = holder(ctx, params.recognized, true);
  if (h != null) { h.put(last(params.recognized), spec.name); }
} else {
  Map h = holder(ctx, params.unrecognized, true);
  if (h != null) { h.put(last(params.unrecognized), true); }
  def tags = ctx.get('tags');
  List l;
  if (tags instanceof List) { l = (List) tags; } else { l = new ArrayList(); if (tags != null) { l.add(tags); } }
  if (!l.contains(params.unrecognizedTag)) { l.add(params.unrecognizedTag); }
  ctx.put('tags', l);
}

/* ── the shape guard: what the mapping cannot take is moved aside, never refused ── */
List moved = new ArrayList();
def ev = ctx.get('evforge');
if (ev != null && !(ev instanceof Map)) { ctx.remove('evforge'); quarantine(ctx, 'evforge', ev); moved.add('evforge'); }
guard(ctx, ctx, params.tree, null, moved);
if (!moved.isEmpty()) { errors.add('fields of the wrong shape were moved to evforge.invalid: ' + String.join(', ', moved)); }

if (!errors.isEmpty()) {
  Map event = holder(ctx, ['event', 'kind'], true);
  if (event != null) { event.put('kind', 'pipeline_error'); }
  Map error = holder(ctx, ['error', 'message'], true);
  if (error != null) {
    def cur = error.get('message');
    List l;
    if (cur instanceof List) { l = (List) cur; } else { l = new ArrayList(); if (cur != null) { l.add(cur); } }
    l.addAll(errors);
    error.put('message', l);
  }
}
`}`.trim();

/**
 * The shape guard alone, for the failure handler: makes a document indexable whatever arrived
 * (see `guard` above). params.tree: {name: subtree | type}.
 */
export const SHAPE_GUARD = `${HELPERS}${String.raw`
List moved = new ArrayList();
def ev = ctx.get('evforge');
if (ev != null && !(ev instanceof Map)) { ctx.remove('evforge'); quarantine(ctx, 'evforge', ev); moved.add('evforge'); }
guard(ctx, ctx, params.tree, null, moved);
if (!moved.isEmpty()) {
  Map event = holder(ctx, ['event', 'kind'], true);
  if (event != null) { event.put('kind', 'pipeline_error'); }
  Map error = holder(ctx, ['error', 'message'], true);
  if (error != null) {
    def cur = error.get('message');
    List l;
    if (cur instanceof List) { l = (List) cur; } else { l = new ArrayList(); if (cur != null) { l.add(cur); } }
    l.add('fields of the wrong shape were moved to evforge.invalid: ' + String.join(', ', moved));
    error.put('message', l);
  }
}
`}`.trim();

/** Moves the value at params.path to `evforge.invalid` (after a processor could not use it). */
export const QUARANTINE = `${HELPERS}${String.raw`
Map h = holder(ctx, params.path, false);
if (h != null && h.containsKey(last(params.path))) { quarantine(ctx, String.join('.', params.path), h.remove(last(params.path))); }
`}`.trim();

/** True when something is at params.path. */
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
