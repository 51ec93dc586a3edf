import { WINDOWS_TYPES, type WindowsLevel } from '../definition/windows-types.ts';
import { windowsTypeOf } from './in-types.ts';
import { STANDARD_KEYWORDS, STANDARD_LEVELS, STANDARD_OPCODES, normalizeGuid, type DataItem, type EventDescription, type ProviderDescription } from './provider.ts';
import { childNamed, childrenNamed, listed, problem, type XmlElement } from './xml.ts';

/** The instrumentation manifest schema's namespace. @see https://learn.microsoft.com/windows/win32/wes/eventmanifestschema-schema */
export const EVENTS_NS = 'http://schemas.microsoft.com/win/2004/08/events';

interface Named {
  readonly value: number;
  readonly name: string;
  /** No display text (no `message`, or one that is the symbol itself): `name` is the symbol. */
  readonly symbol?: true;
}

/**
 * Reads an instrumentation manifest (`<instrumentationManifest>`, the `.man` file `mc.exe` compiles):
 * every provider of `instrumentation/events`, with its channels, levels, tasks (and their opcodes),
 * opcodes, keywords and templates, and the `<localization>` string table behind `$(string.…)`.
 * Each reference that leads nowhere is a located error.
 * @see https://learn.microsoft.com/windows/win32/wes/eventmanifestschema-instrumentationmanifest-element
 */
export function readManifest(root: XmlElement, file: string): ProviderDescription[] {
  const fail = (el: XmlElement, code: string, message: string, hint?: string) => problem(file, el.line, code, message, hint);
  const strings = stringTable(root);
  const text = (el: XmlElement, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const m = /^\$\(string\.(.+)\)$/.exec(value.trim());
    if (!m?.[1]) return value;
    const s = strings.get(m[1]);
    if (s === undefined) throw fail(el, 'E_IMPORT_STRING', `message ${value} names no string of the <localization> string table`, `add <string id="${m[1]}" value="…"/> to <stringTable>, or import a manifest that has its strings`);
    return s;
  };

  const instrumentation = childNamed(root, 'instrumentation');
  const events = instrumentation && childNamed(instrumentation, 'events');
  const providers = events ? childrenNamed(events, 'provider').filter((p) => p.uri === EVENTS_NS) : [];
  if (providers.length === 0) throw fail(root, 'E_IMPORT_NO_PROVIDER', 'the manifest declares no provider (instrumentation/events/provider)', 'give a manifest with at least one <provider>');

  return providers.map((p) => {
    const name = p.attrs['name'];
    const guid = normalizeGuid(p.attrs['guid'] ?? '');
    if (!name) throw fail(p, 'E_IMPORT_PROVIDER', '<provider> has no name', 'every provider has name="…" and guid="{…}"');
    if (!guid) throw fail(p, 'E_IMPORT_PROVIDER', `provider ${name} has no valid guid (${JSON.stringify(p.attrs['guid'] ?? '')})`, 'every provider has guid="{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"');
    const section = (list: string, item: string) => listed(p, list, item);

    // Channels are referred to by chid (or by name when they have none).
    const channels = new Map<string, string>();
    for (const c of [...section('channels', 'channel'), ...section('channels', 'importChannel')]) {
      const cname = c.attrs['name'];
      if (!cname) throw fail(c, 'E_IMPORT_CHANNEL', `<${c.name}> has no name`, 'a channel has name="Provider/Operational"');
      channels.set(c.attrs['chid'] ?? cname, cname);
      channels.set(cname, cname);
    }
    const levels = new Map<string, number>(Object.entries(STANDARD_LEVELS));
    for (const l of section('levels', 'level')) levels.set(l.attrs['name'] ?? '', Number(l.attrs['value']));
    const named = (el: XmlElement, what: string, bits = false): Named => {
      const raw = el.attrs[bits ? 'mask' : 'value'] ?? '';
      const value = Number(raw);
      const nm = el.attrs['name'];
      if (!nm || raw === '' || !Number.isInteger(value)) throw fail(el, 'E_IMPORT_ITEM', `<${el.name}> needs a name and a numeric ${bits ? 'mask' : 'value'}`, `each ${what} has name="…" and ${bits ? 'mask' : 'value'}="…"`);
      // The manifests rebuilt from a machine's metadata give a task the symbol itself as its text: no display text either.
      const shown = text(el, el.attrs['message']);
      return shown === undefined || shown === nm ? { value, name: nm, symbol: true } : { value, name: shown };
    };
    const opcodes = new Map<string, Named>(Object.entries(STANDARD_OPCODES));
    for (const o of section('opcodes', 'opcode')) opcodes.set(o.attrs['name'] ?? '', named(o, 'opcode'));
    const tasks = new Map<string, Named & { opcodes: Map<string, Named> }>();
    for (const t of section('tasks', 'task')) {
      const own = new Map<string, Named>();
      for (const o of listed(t, 'opcodes', 'opcode')) own.set(o.attrs['name'] ?? '', named(o, 'opcode'));
      tasks.set(t.attrs['name'] ?? '', { ...named(t, 'task'), opcodes: own });
    }
    const keywords = new Map<string, bigint>(Object.entries(STANDARD_KEYWORDS));
    for (const k of section('keywords', 'keyword')) {
      const mask = k.attrs['mask'];
      const nm = k.attrs['name'];
      if (!nm || !mask || !/^(0x[0-9A-Fa-f]{1,16}|\d+)$/.test(mask)) throw fail(k, 'E_IMPORT_ITEM', `<keyword> needs a name and a mask (${JSON.stringify(mask ?? '')})`, 'each keyword has name="…" and mask="0x…"');
      keywords.set(nm, BigInt(mask));
    }
    const templates = new Map<string, { fields: DataItem[]; userData?: { element: string; namespace?: string } }>();
    for (const t of section('templates', 'template')) {
      const tid = t.attrs['tid'];
      if (!tid) throw fail(t, 'E_IMPORT_TEMPLATE', '<template> has no tid', 'each template has tid="…", which events name in template="…"');
      if (templates.has(tid)) throw fail(t, 'E_IMPORT_DUPLICATE', `template ${tid} is declared twice`, 'give each template its own tid');
      templates.set(tid, readTemplate(t, file));
    }

    const out: EventDescription[] = [];
    for (const e of section('events', 'event')) {
      const id = Number(e.attrs['value']);
      const version = Number(e.attrs['version'] ?? '0');
      if (!Number.isInteger(id) || id < 0 || id > 65535 || e.attrs['value'] === undefined) throw fail(e, 'E_IMPORT_EVENT', `<event> has no event id from 0 to 65535 (value=${JSON.stringify(e.attrs['value'] ?? '')})`, 'each event has value="<id>"');
      if (!Number.isInteger(version) || version < 0 || version > 255) throw fail(e, 'E_IMPORT_EVENT', `event ${id} has version ${JSON.stringify(e.attrs['version'])}, not 0–255`, 'version="…" is a number from 0 to 255');
      const what = `event ${id} version ${version}`;
      const lookup = <T>(map: Map<string, T>, attr: string, kind: string, list: string): T | undefined => {
        const ref = e.attrs[attr];
        if (ref === undefined) return undefined;
        const v = map.get(ref);
        if (v === undefined) throw fail(e, 'E_IMPORT_REFERENCE', `${what} names ${kind} "${ref}", which the provider does not declare`, `declare it in <${list}>, or correct ${attr}="…"`);
        return v;
      };
      const channel = lookup(channels, 'channel', 'channel', 'channels');
      const levelOf = (v: number): WindowsLevel => {
        if (isLevel(v)) return v;
        throw fail(e, 'E_IMPORT_LEVEL', `${what} has level ${e.attrs['level'] ?? ''} (value ${v}), a provider-defined level evforge does not map`, 'evforge maps the standard levels 0 (LogAlways) to 5 (Verbose) to log.level; leave this event out (--events) or define it by hand with the nearest standard level');
      };
      const task = lookup(tasks, 'task', 'task', 'tasks');
      const opcodeRef = e.attrs['opcode'];
      const opcode = opcodeRef === undefined ? STANDARD_OPCODES['win:Info'] : (task?.opcodes.get(opcodeRef) ?? lookup(opcodes, 'opcode', 'opcode', 'opcodes'));
      let mask = 0n;
      for (const k of (e.attrs['keywords'] ?? '').split(/\s+/).filter(Boolean)) {
        const m = keywords.get(k);
        if (m === undefined) throw fail(e, 'E_IMPORT_REFERENCE', `${what} names keyword "${k}", which the provider does not declare`, 'declare it in <keywords>, or correct keywords="…"');
        mask |= m;
      }
      const tid = e.attrs['template'];
      const template = tid === undefined ? { fields: [] } : templates.get(tid);
      if (!template) throw fail(e, 'E_IMPORT_TEMPLATE', `${what} refers to template "${tid}", which the provider does not declare`, `declare <template tid="${tid}"> in <templates>, or correct template="…"`);
      const message = text(e, e.attrs['message']);
      out.push({
        id,
        version,
        ...(channel !== undefined ? { channel } : {}),
        level: levelOf(lookup(levels, 'level', 'level', 'levels') ?? 0),
        task: task ? { value: task.value, name: task.name, ...(task.symbol ? { symbol: true as const } : {}) } : { value: 0, name: 'None' },
        opcode: opcode ?? { value: 0, name: 'Info' },
        keywords: mask,
        ...(message !== undefined && message !== '' ? { message } : {}),
        fields: template.fields,
        ...(template.userData ? { userData: template.userData } : {}),
        at: `${file}:${e.line}`,
      });
    }
    return { name, guid, events: out };
  });
}

const isLevel = (v: number): v is WindowsLevel => Number.isInteger(v) && v >= 0 && v <= 5;

/** `<string id value>` of the en-US resources (else the first culture), by id. */
function stringTable(root: XmlElement): Map<string, string> {
  const resources = listed(root, 'localization', 'resources');
  const chosen = resources.find((r) => r.attrs['culture']?.toLowerCase() === 'en-us') ?? resources[0];
  const table = new Map<string, string>();
  for (const s of chosen ? listed(chosen, 'stringTable', 'string') : []) {
    if (s.attrs['id'] !== undefined && s.attrs['value'] !== undefined) table.set(s.attrs['id'], s.attrs['value']);
  }
  return table;
}

/**
 * A `<template>`'s data items (a `<struct>` is refused: Windows writes it as one blob), and its
 * `<UserData>` element when it has one: the event's data is then written inside that element.
 * @see https://learn.microsoft.com/windows/win32/wes/eventmanifestschema-templateitemtype-complextype
 */
export function readTemplate(t: XmlElement, file: string): { fields: DataItem[]; userData?: { element: string; namespace?: string } } {
  const fields: DataItem[] = [];
  const names = new Set<string>();
  let userData: { element: string; namespace?: string } | undefined;
  let renames = new Map<number, { name: string; line: number }>();
  const tid = t.attrs['tid'] ?? '(in the event)';
  for (const d of t.children) {
    if (d.name === 'data') {
      const name = d.attrs['name'];
      const inType = d.attrs['inType'];
      if (!name || !inType) throw problem(file, d.line, 'E_IMPORT_DATA', `a <data> item of template ${tid} lacks name or inType`, 'each data item has name="…" and inType="win:…"');
      const type = windowsTypeOf(inType, d.attrs['outType']);
      if (!type) {
        throw problem(file, d.line, 'E_IMPORT_TYPE', `data item "${name}" of template ${tid} has inType ${inType}, a type evforge does not know`, `evforge maps these inTypes: ${WINDOWS_TYPES.map((x) => `win:${x}`).join(', ')}; report the type with this file so it can be added to the type table`);
      }
      if (names.has(name)) throw problem(file, d.line, 'E_IMPORT_DUPLICATE', `template ${tid} has two data items named "${name}"`, 'each data item of a template has its own name');
      names.add(name);
      fields.push({ name, type, array: d.attrs['count'] !== undefined });
    } else if (d.name === 'struct') {
      throw problem(file, d.line, 'E_IMPORT_STRUCT', `template ${tid} has a <struct> (${d.attrs['name'] ?? 'unnamed'}), which Windows writes as one blob; evforge imports data items only`, 'define the event by hand, one field per value the event XML shows');
    } else if (d.name === 'UserData') {
      const [element, ...more] = d.children;
      if (!element || more.length) throw problem(file, d.line, 'E_IMPORT_USERDATA', `<UserData> of template ${tid} must hold exactly one element (it has ${d.children.length})`, 'the UserData fragment has one top-level element, with its own namespace');
      userData = { element: element.name, ...(element.uri ? { namespace: element.uri } : {}) };
      renames = userDataNames(element, file, tid);
    }
  }
  // The event XML shows a UserData event's values under the fragment's element names, not the data
  // items' names: each field is named by the element whose text is its %n.
  for (const [n, { name, line }] of renames) {
    const item = fields[n - 1];
    if (!item) throw problem(file, line, 'E_IMPORT_USERDATA', `<${name}> of the UserData fragment of template ${tid} shows %${n}, but the template has ${fields.length} data item${fields.length === 1 ? '' : 's'}`, 'a %n in the fragment names the n-th data item of the template');
    fields[n - 1] = { ...item, name };
  }
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw problem(file, t.line, 'E_IMPORT_DUPLICATE', `template ${tid} gives two values the name "${f.name}" (data items and UserData elements together)`, 'each value of an event needs its own name');
    seen.add(f.name);
  }
  return { fields, ...(userData ? { userData } : {}) };
}

/** Elements of a UserData fragment whose whole text is `%n`, by n (1-based data item index). */
function userDataNames(element: XmlElement, file: string, tid: string): Map<number, { name: string; line: number }> {
  const out = new Map<number, { name: string; line: number }>();
  const walk = (el: XmlElement): void => {
    const m = /^%(\d+)$/.exec(el.text.trim());
    if (m && el.children.length === 0) {
      const n = Number(m[1]);
      if (out.has(n)) throw problem(file, el.line, 'E_IMPORT_USERDATA', `the UserData fragment of template ${tid} shows %${n} twice (<${out.get(n)?.name}> and <${el.name}>)`, 'each data item appears once in the fragment');
      out.set(n, { name: el.name, line: el.line });
    }
    el.children.forEach(walk);
  };
  element.children.forEach(walk);
  return out;
}
