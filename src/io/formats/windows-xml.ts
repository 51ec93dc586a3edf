import { SaxesParser, type SaxesTagNS } from 'saxes';
import { FileError, UnfinishedEvent } from '../../errors.ts';
import { tooDeep, type EventText } from './events.ts';
import { MAX_DEPTH } from '../lossless.ts';
import { decodedText, type TextSource } from './decode.ts';
import { shortLinesWhole } from './text.ts';
import { addChild, eventText, put, toSeedShape, type EventParts, type Tree, type TreeObject } from './windows-event.ts';

/**
 * Windows event XML: `wevtutil qe <channel> /f:xml` (concatenated `<Event>` elements, no root),
 * `Get-WinEvent … | % { $_.ToXml() }`, `evtx_dump -o xml` (a `Record N` line and an XML declaration
 * before each event), or any of those inside an `<Events>` root; with or without `<RenderingInfo>`.
 * Parsed with saxes, a streaming, strictly conforming XML parser (it reports every well-formedness
 * error with its line, and is what jsdom uses), namespace-aware: elements are known by their local
 * name whatever prefix the file binds to their namespace (`<e:Event xmlns:e="…">` is `<Event
 * xmlns="…">`). Memory holds one event at a time, whatever the file and its line breaks.
 * @see https://github.com/lddubeau/saxes
 * @see https://learn.microsoft.com/en-us/windows/win32/wes/eventschema-elements
 * @see https://www.w3.org/TR/xml-names/
 */

interface XNode {
  /** The local name (without prefix). */
  name: string;
  /** The namespace URI ('' for none). */
  uri: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

const HINT = 'fix the XML at that place (tags closed and matching, `&` written `&amp;`, `<` written `&lt;`); nothing was sent';
/** Lines evtx_dump adds between events; dropped only outside any event. */
const BETWEEN_EVENTS = /^[ \t]*(?:Record \d+|<\?xml[^\n>]*\?>)[ \t]*\r?$/gm;
/** An XML declaration at the very start of the file (saxes reads the file as a fragment, where none is allowed). */
const LEADING_DECLARATION = /^\s*<\?xml[^>]*\?>/;
/** Longer than any line BETWEEN_EVENTS matches. */
const LONGEST_BETWEEN_LINE = 256;

/**
 * An element's attributes as the file wrote them, without namespace declarations; an element whose
 * namespace differs from its parent's gets it as `xmlns` (as if it were declared as the default),
 * so the same event reads the same with any prefixes. A prefixed attribute keeps its written name.
 */
function attributesOf(tag: SaxesTagNS, parentUri: string | undefined): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const a of Object.values(tag.attributes)) {
    if (a.name === 'xmlns' || a.prefix === 'xmlns') continue;
    put(attrs, a.name, a.value);
  }
  if (parentUri !== undefined && tag.uri !== parentUri && tag.uri !== '') put(attrs, 'xmlns', tag.uri);
  return attrs;
}

/** Yields each `<Event>` converted to the seed's shape, one line of JSON, with the line it starts on. */
export async function* readWindowsXml(source: TextSource): AsyncGenerator<EventText> {
  const { label } = source;
  const parser = new SaxesParser<{ fragment: true; xmlns: true }>({ fragment: true, xmlns: true });
  const ready: EventText[] = [];
  /** Open elements outside events: at most one `<Events>`. */
  let wrapper = false;
  /** Open elements of the current event, the `<Event>` first. */
  const open: XNode[] = [];
  let eventLine = 0;
  let tagLine = 1;
  let outside = '';
  let outsideLine = 1;
  let closing = false;

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
    const line = m ? Number(m[1]) : parser.line;
    const message = m ? `malformed XML (column ${Number(m[2]) + 1}): ${m[3]}` : `malformed XML: ${err.message}`;
    // At the end: the file stops inside an event or a tag (truncated, or cut by the snapshot of a file being written).
    if (closing) {
      const where = open.length > 0 ? `the <Event> of line ${eventLine}` : wrapper ? 'the <Events> element' : 'a tag';
      throw new UnfinishedEvent(`${label}:${line}`, open.length > 0 ? eventLine : tagLine, `${message} (the file ends inside ${where})`, HINT);
    }
    fail(line, message);
  });
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const parent = open.at(-1);
    const node: XNode = { name: tag.local, uri: tag.uri, attrs: attributesOf(tag, parent?.uri), children: [], text: '' };
    if (parent) {
      if (open.length >= MAX_DEPTH) throw tooDeep(`${label}:${tagLine}`, 'elements inside each other, <Event> being the first');
      parent.children.push(node);
      open.push(node);
      return;
    }
    checkOutside();
    if (tag.local === 'Event') {
      eventLine = tagLine;
      open.push(node);
    } else if (tag.local === 'Events' && !wrapper) wrapper = true;
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
      const doc = convertEvent(node);
      ready.push({ text: eventText(doc), origin: `${label}:${eventLine}`, line: eventLine, value: doc });
      outsideLine = parser.line;
    }
  });

  let first = true;
  for await (const piece of shortLinesWhole(decodedText(source), LONGEST_BETWEEN_LINE)) {
    let { text } = piece;
    if (first) {
      // Blanked, not removed: saxes counts lines and columns as the file has them.
      text = text.replace(LEADING_DECLARATION, (d) => d.replace(/[^\n]/g, ' '));
      first = false;
    }
    // Record lines and XML declarations between events are dropped (their line breaks kept);
    // inside an event they are its text (and a declaration there is an error).
    let from = 0;
    for (const m of text.matchAll(BETWEEN_EVENTS)) {
      if (m.index === 0 && piece.midLine) continue;
      parser.write(text.slice(from, m.index));
      if (open.length > 0) parser.write(m[0]);
      from = m.index + m[0].length;
    }
    parser.write(text.slice(from));
    yield* ready.splice(0);
  }
  closing = true;
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
    if (c.name !== 'Data') {
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
  const attrs = event.attrs;
  for (const c of event.children) {
    const name = c.name;
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
