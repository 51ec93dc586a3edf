/**
 * One Windows event, as both exports describe it, turned into the shape the pipeline reads: the
 * seed's `system` + `event_data` + `message` (src/definition/header.ts names the `system.*` paths).
 * Every value stays text exactly as it arrived; nothing is dropped:
 * - `system.*`: the header elements and attributes the pipeline knows; `EventID@Qualifiers` as
 *   `system.qualifiers`; anything else of `<System>` under `system.extra`, by its element name.
 * - `event_data`: `<Data Name="X">` as `X`; a `<Data>` without Name as `param<n>` (n counts the
 *   unnamed ones, 1-based, like Winlogbeat); `<Binary>` as `Binary`; a repeated name as an array.
 * - `user_data`: `<UserData>` (providers that use it instead of EventData), as a tree.
 * - `message` ← RenderingInfo/Message; `log.level` ← the rendered Level, lowercased as Winlogbeat
 *   writes it; every rendered name as it came under `rendering_info` (culture, level, task, opcode,
 *   channel, provider, keywords[]).
 * - any other child of `<Event>` (ProcessingErrorData, DebugData, …) under its name in snake_case.
 * Trees follow evtx_dump's JSON convention: an element with attributes or children is an object with
 * its attributes under `#attributes`, its children by name (repeated ones as an array) and any text
 * under `#text`; an element with text alone is that text.
 * @see https://learn.microsoft.com/en-us/windows/win32/wes/eventschema-schema
 */

export type Tree = string | Tree[] | { [key: string]: Tree };
export type TreeObject = { [key: string]: Tree };

/** The parts of one `<Event>`, each already a tree (event data already keyed by name). */
export interface EventParts {
  system?: Tree;
  eventData?: TreeObject;
  userData?: Tree;
  rendering?: Tree;
  /** Other children of `<Event>` (and its attributes other than xmlns, as `#attributes`). */
  extra: [string, Tree][];
}

/** Sets an own property, whatever the key (`__proto__` included). */
export function put(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Adds a child by name; a name seen before turns into an array, in document order (XML trees hold no other arrays). */
export function addChild(o: TreeObject, key: string, value: Tree): void {
  const cur = Object.hasOwn(o, key) ? o[key] : undefined;
  if (cur === undefined) return put(o, key, value);
  if (Array.isArray(cur)) cur.push(value);
  else put(o, key, [cur, value]);
}

const isObject = (t: Tree | undefined): t is TreeObject => typeof t === 'object' && t !== null && !Array.isArray(t);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Path = readonly string[];
/** Which parts of each `<System>` child go where in `system`. */
const SYSTEM: Record<string, { text?: Path; attrs?: Record<string, Path> }> = {
  Provider: { attrs: { Name: ['provider'], Guid: ['guid'], EventSourceName: ['event_source_name'] } },
  EventID: { text: ['event_id'], attrs: { Qualifiers: ['qualifiers'] } },
  Version: { text: ['version'] },
  Level: { text: ['level'] },
  Task: { text: ['task'] },
  Opcode: { text: ['opcode'] },
  Keywords: { text: ['keywords'] },
  TimeCreated: { attrs: { SystemTime: ['time_created'] } },
  EventRecordID: { text: ['event_record_id'] },
  Correlation: { attrs: { ActivityID: ['correlation', 'ActivityID'], RelatedActivityID: ['correlation', 'RelatedActivityID'] } },
  Execution: {
    attrs: {
      ProcessID: ['execution', 'process_id'],
      ThreadID: ['execution', 'thread_id'],
      ProcessorID: ['execution', 'processor_id'],
      SessionID: ['execution', 'session_id'],
      KernelTime: ['execution', 'kernel_time'],
      UserTime: ['execution', 'user_time'],
      ProcessorTime: ['execution', 'processor_time'],
    },
  },
  Channel: { text: ['channel'] },
  Computer: { text: ['computer'] },
  Security: { attrs: { UserID: ['security', 'user_id'] } },
};

function setPath(o: Record<string, unknown>, path: Path, value: unknown): void {
  const [key, ...rest] = path;
  if (key === undefined) return;
  if (rest.length === 0) return put(o, key, value);
  const child = o[key];
  const inner: Record<string, unknown> = isRecord(child) ? child : {};
  if (inner !== child) put(o, key, inner);
  setPath(inner, rest, value);
}

function systemShape(system: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const extra: TreeObject = {};
  if (!isObject(system)) {
    if (system !== '') put(extra, '#text', system);
  } else {
    for (const [name, node] of Object.entries(system)) {
      const spec = SYSTEM[name];
      if (!spec || Array.isArray(node)) {
        put(extra, name, node);
        continue;
      }
      if (typeof node === 'string') {
        if (spec.text) setPath(out, spec.text, node);
        else if (node !== '') put(extra, name, node); // text on an attributes-only element
        continue;
      }
      const rest: TreeObject = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === '#text' && spec.text && typeof v === 'string') setPath(out, spec.text, v);
        else if (k === '#attributes' && isObject(v)) {
          const unknown: TreeObject = {};
          for (const [a, av] of Object.entries(v)) {
            const to = spec.attrs?.[a];
            if (to && typeof av === 'string') setPath(out, to, av);
            else put(unknown, a, av);
          }
          if (Object.keys(unknown).length > 0) put(rest, '#attributes', unknown);
        } else put(rest, k, v);
      }
      if (Object.keys(rest).length > 0) put(extra, name, rest);
    }
  }
  if (Object.keys(extra).length > 0) put(out, 'extra', extra);
  return out;
}

/** RenderingInfo: the message, the level for `log.level`, and every rendered name as it came. */
function renderingShape(rendering: Tree, doc: Record<string, unknown>): void {
  const info: Record<string, unknown> = {};
  if (!isObject(rendering)) {
    if (rendering !== '') put(info, 'text', rendering);
  } else {
    const names: Record<string, string> = { Culture: 'culture', Level: 'level', Task: 'task', Opcode: 'opcode', Channel: 'channel', Provider: 'provider' };
    for (const [k, v] of Object.entries(rendering)) {
      if (k === 'Message' && typeof v === 'string') put(doc, 'message', v);
      else if (k === '#attributes' && isObject(v)) {
        for (const [a, av] of Object.entries(v)) put(info, names[a] ?? a, av);
      } else if (k === 'Keywords') {
        const list = isObject(v) ? v['Keyword'] : undefined;
        const rest = isObject(v) ? Object.keys(v).filter((x) => x !== 'Keyword') : [];
        if (isObject(v) && rest.length === 0) put(info, 'keywords', list === undefined ? [] : Array.isArray(list) ? [...list] : [list]);
        else put(info, 'keywords', v === '' ? [] : v);
      } else put(info, names[k] ?? k, v);
    }
  }
  const level = info['level'];
  if (typeof level === 'string' && level !== '') put(doc, 'log', { level: level.toLowerCase() });
  if (Object.keys(info).length > 0) put(doc, 'rendering_info', info);
}

const snake = (name: string): string =>
  name
    .replace(/^.*:/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

/** The seed's shape for one event; see the module comment for where each part goes. */
export function toSeedShape(parts: EventParts): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  if (parts.system !== undefined) put(doc, 'system', systemShape(parts.system));
  if (parts.eventData !== undefined) put(doc, 'event_data', parts.eventData);
  if (parts.userData !== undefined) put(doc, 'user_data', parts.userData);
  if (parts.rendering !== undefined) renderingShape(parts.rendering, doc);
  for (const [name, tree] of parts.extra) {
    const base = name === '#attributes' ? 'event_attributes' : name === '#text' ? 'event_text' : snake(name);
    let key = base;
    for (let n = 2; Object.prototype.hasOwnProperty.call(doc, key); n++) key = `${base}_${n}`;
    put(doc, key, tree);
  }
  return doc;
}

/** Serializes a converted event: every value is a string, so plain JSON is exact. */
export function eventText(doc: Record<string, unknown>): string {
  return JSON.stringify(doc);
}
