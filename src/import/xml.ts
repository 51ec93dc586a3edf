import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { ImportProblem } from '../errors.ts';

/**
 * A whole XML document as a small element tree, each element with the line it starts on (the
 * import's errors cite it). Read with saxes, the strictly conforming parser evforge already uses for
 * event XML: namespace-aware, and it locates every well-formedness error; a provider description
 * is small enough (230 KB for the whole Security provider) to hold at once.
 * @see https://github.com/lddubeau/saxes
 */
export interface XmlElement {
  /** Local name, without prefix. */
  readonly name: string;
  /** Namespace URI ('' when none). */
  readonly uri: string;
  /** Attributes by local name (namespace declarations left out). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Text and CDATA directly inside, concatenated. */
  text: string;
  /** 1-based line of the start tag in the file. */
  readonly line: number;
}

/** What a provider description is, for the hint of any file that is not one. */
export const FORMATS_HINT = 'evforge reads instrumentation manifests (<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events">) and WEPExplorer dumps (<Providers>); see docs/import.md';

export const problem = (file: string, line: number, code: string, message: string, hint?: string): ImportProblem =>
  new ImportProblem({ code, path: `${file}:${line}`, message, ...(hint ? { hint } : {}) });

/**
 * Text of a file as Windows tools write it: UTF-16 LE with a byte-order mark (PowerShell's `>`,
 * manifests saved by Visual Studio), or UTF-8 with or without one.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/**
 * Parses a document; `firstLine` is the file line its first line is on (a template nested in CDATA).
 * Throws an ImportProblem at the line and column saxes reports.
 */
export function parseXml(text: string, file: string, firstLine = 1): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;
  let tagLine = 1;
  const at = (line: number) => line + firstLine - 1;
  parser.on('error', (err) => {
    const m = /^(\d+):(\d+): ([\s\S]*)$/.exec(err.message);
    const line = m ? Number(m[1]) : parser.line;
    if (root && open.length === 0) {
      // A second top-level element: several documents in one file (`wevtutil qe` prints events so).
      throw problem(file, at(line), 'E_IMPORT_FORMAT', `the file holds several top-level elements (the first is <${root.name}${root.uri ? ` xmlns="${root.uri}"` : ''}>), not one provider description`, FORMATS_HINT);
    }
    const what = m ? `${m[3]} (column ${Number(m[2]) + 1})` : err.message;
    throw problem(file, at(line), 'E_IMPORT_XML', `not well-formed XML: ${what}`, 'a provider description is an XML document: an instrumentation manifest (.man) or a WEPExplorer dump; fix the XML at that place');
  });
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values<SaxesAttributeNS>(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.local] = a.value;
    }
    const el: XmlElement = { name: tag.local, uri: tag.uri, attrs, children: [], text: '', line: at(tagLine) };
    const parent = open.at(-1);
    if (parent) parent.children.push(el);
    else root = el;
    open.push(el); // saxes emits closetag for a self-closing tag too

  });
  parser.on('closetag', () => {
    open.pop();
  });
  const addText = (t: string) => {
    const el = open.at(-1);
    if (el) el.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(text).close();
  if (!root) throw problem(file, at(1), 'E_IMPORT_XML', 'the file holds no XML element', 'give an instrumentation manifest (.man) or a WEPExplorer dump');
  return root;
}

/** Child elements of `el` with this local name. */
export const childrenNamed = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);
export const childNamed = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);
/** Trimmed text of a child element ('' when absent). */
export const childText = (el: XmlElement, name: string): string => childNamed(el, name)?.text.trim() ?? '';

/** The `item` elements of `el`'s `list` child (`<tasks><task/>…</tasks>`); none when there is no list. */
export function listed(el: XmlElement, list: string, item: string): XmlElement[] {
  const l = childNamed(el, list);
  return l ? childrenNamed(l, item) : [];
}
