import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { FileError } from '../../errors.ts';
import type { EventText } from '../events.ts';
import { textLines } from './text.ts';
import { addChild, eventText, put, toSeedShape, type EventParts, type Tree, type TreeObject } from './windows-event.ts';

/**
 * Windows event XML: `wevtutil qe <channel> /f:xml` (concatenated `<Event>` elements, no root),
 * `Get-WinEvent … | % { $_.ToXml() }`, `evtx_dump -o xml` (a `Record N` line and an XML declaration
 * before each event), or any of those inside an `<Events>` root; with or without `<RenderingInfo>`.
 * Parsed with saxes, a streaming, strictly conforming XML parser (it reports every well-formedness
 * error with its line, and is what jsdom uses): memory holds one event at a time, whatever the file.
 * @see https://github.com/lddubeau/saxes
 * @see https://learn.microsoft.com/en-us/windows/win32/wes/eventschema-elements
 */

interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

const HINT = 'fix the XML at that place (tags closed and matching, `&` written `&amp;`, `<` written `&lt;`); nothing was sent';
/** Top-level lines evtx_dump adds between events; dropped only outside any element. */
const BETWEEN_EVENTS = /^(?:Record \d+|<\?xml[^\n>]*\?>)\r?$/gm;

const local = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Yields each `<Event>` converted to the seed's shape, one line of JSON, with the line it starts on. */
export async function* readWindowsXml(path: string, label: string, encoding: BufferEncoding = 'utf8'): AsyncGenerator<EventText> {
  const parser = new SaxesParser<{ fragment: true; xmlns: false }>({ fragment: true, xmlns: false });
  const ready: EventText[] = [];
  /** Open elements outside events: at most one `<Events>`. */
  let wrapper = false;
  /** Open elements of the current event, the `<Event>` first. */
  const open: XNode[] = [];
  let eventLine = 0;
  let tagLine = 1;
  let outside = '';
  let outsideLine = 1;

  const fail = (line: number, message: string, hint = HINT): never => {
    throw new FileError(`${label}:${line}`, message, hint);
  };
  const checkOutside = (): void => {
    const at = outside.search(/\S/);
    if (at >= 0) {
      const line = outsideLine + (outside.slice(0, at).match(/\n/g)?.length ?? 0);
      const what = (outside.slice(at).split('\n', 1)[0] ?? '').trim().slice(0, 40);
      fail(line, `text outside any <Event> element: ${JSON.stringify(what)}`, 'a Windows event XML file holds <Event> elements (optionally inside one <Events> root) and nothing else; nothing was sent');
    }
    outside = '';
  };

  parser.on('error', (err) => {
    const m = /^(\d+):(\d+): ([\s\S]*)$/.exec(err.message);
    if (m) fail(Number(m[1]), `malformed XML (column ${Number(m[2]) + 1}): ${m[3]}`);
    fail(parser.line, `malformed XML: ${err.message}`);
  });
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const node: XNode = { name: tag.name, attrs: tag.attributes, children: [], text: '' };
    const parent = open.at(-1);
    if (parent) {
      parent.children.push(node);
      open.push(node);
      return;
    }
    checkOutside();
    const name = local(tag.name);
    if (name === 'Event') {
      eventLine = tagLine;
      open.push(node);
    } else if (name === 'Events' && !wrapper) wrapper = true;
    else fail(tagLine, `<${tag.name}> where an <Event> element was expected`, 'a Windows event XML file holds <Event> elements (optionally inside one <Events> root); nothing was sent');
  });
  const addText = (text: string): void => {
    const current = open.at(-1);
    if (current) current.text += text;
    else outside += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const node = open.pop();
    if (!node) {
      checkOutside();
      wrapper = false;
      outsideLine = parser.line;
      return;
    }
    if (open.length === 0) {
      ready.push({ text: eventText(convertEvent(node)), origin: `${label}:${eventLine}`, line: eventLine });
      outsideLine = parser.line;
    }
  });

  for await (const chunk of textLines(path, label, encoding)) {
    // Record lines and XML declarations between events are dropped (their line breaks kept, so
    // saxes counts lines as the file has them); inside an element they are text and stay.
    let from = 0;
    for (const m of chunk.matchAll(BETWEEN_EVENTS)) {
      parser.write(chunk.slice(from, m.index));
      if (open.length > 0 || wrapper) parser.write(m[0]);
      from = m.index + m[0].length;
    }
    parser.write(chunk.slice(from));
    yield* ready.splice(0);
  }
  parser.close();
  checkOutside();
  yield* ready.splice(0);
}

/** evtx_dump's XML writer prints an empty element as an open and a close tag on two lines. */
const leafText = (text: string): string => (/^\r?\n[ \t\r\n]*$/.test(text) ? '' : text);

/** An element as a tree (evtx_dump's JSON convention: `#attributes`, children by name, `#text`). */
export function tree(n: XNode): Tree {
  const attrs = Object.keys(n.attrs);
  if (n.children.length === 0 && attrs.length === 0) return leafText(n.text);
  const o: TreeObject = {};
  if (attrs.length > 0) put(o, '#attributes', { ...n.attrs });
  for (const c of n.children) addChild(o, c.name, tree(c));
  const text = n.children.length > 0 ? (/\S/.test(n.text) ? n.text : '') : leafText(n.text);
  if (text !== '') put(o, '#text', text);
  return o;
}

/** `<EventData>`: Data by Name (unnamed ones as param1, param2, …), Binary and anything else by element name. */
function eventData(n: XNode): TreeObject {
  const out: TreeObject = {};
  if (Object.keys(n.attrs).length > 0) put(out, '#attributes', { ...n.attrs });
  let unnamed = 0;
  for (const c of n.children) {
    if (local(c.name) !== 'Data') {
      addChild(out, c.name, tree(c));
      continue;
    }
    const { Name: name, ...rest } = c.attrs;
    const key = name || `param${++unnamed}`;
    addChild(out, key, tree({ ...c, attrs: rest }));
  }
  return out;
}

function convertEvent(event: XNode): Record<string, unknown> {
  const parts: EventParts = { extra: [] };
  const { xmlns: _ns, ...attrs } = event.attrs;
  for (const c of event.children) {
    const name = local(c.name);
    if (name === 'System' && parts.system === undefined) parts.system = tree(c);
    else if (name === 'EventData' && parts.eventData === undefined) parts.eventData = eventData(c);
    else if (name === 'UserData' && parts.userData === undefined) parts.userData = tree(c);
    else if (name === 'RenderingInfo' && parts.rendering === undefined) parts.rendering = tree(c);
    else parts.extra.push([c.name, tree(c)]);
  }
  if (/\S/.test(event.text)) parts.extra.push(['#text', event.text]);
  if (Object.keys(attrs).length > 0) parts.extra.push(['#attributes', attrs]);
  return toSeedShape(parts);
}
