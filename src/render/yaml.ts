import jsYaml from 'js-yaml';

/**
 * An object as YAML with sorted keys (as the JSON artifacts) and every multi-line string a literal
 * block scalar, never folded: a script reads one line of Painless per line, in files and in diffs.
 * js-yaml writes it (faster than the `yaml` library, see serialize.ts; the same bytes for
 * every committed pipeline): YAML 1.2 core schema, double quotes where quotes are needed. A script
 * written twice in one pipeline (OpenSearch's normalization runs again on its failure path) is
 * written once: an anchor on its first block, an alias after, so a one-line change to it is still a
 * one-line diff. An object the body holds twice (the script's params, the mapping's shape that the
 * failure handler reads too) is written once, by js-yaml's own anchors (`&ref_0` … `*ref_0`):
 * generators share such objects on purpose, so a data stream's events are written out once.
 * `yaml` reads committed files back wherever evforge compares them, and a test proves both readers
 * agree on every committed pipeline.
 * @see https://yaml.org/spec/1.2.2/#812-literal-style
 */
export function blockYaml(body: unknown): string {
  return aliasRepeatedScripts(jsYaml.dump(body, { schema: jsYaml.CORE_SCHEMA, sortKeys: true, lineWidth: -1, noRefs: false, indent: 2, quotingType: '"' }));
}

/** A `source: |-` line as js-yaml writes it: its indentation, and `- ` when it opens a list item. */
const SCRIPT_BLOCK = /^( *(?:- )?)source: \|-$/;

/** Each line of `text` that contains `needle` once, as its [start, end) offsets: thousands of lines, a handful of hits. */
export function linesHolding(text: string, needle: string): [number, number][] {
  const out: [number, number][] = [];
  for (let at = text.indexOf(needle); at !== -1; ) {
    const start = text.lastIndexOf('\n', at) + 1;
    const stop = text.indexOf('\n', at);
    const end = stop === -1 ? text.length : stop;
    out.push([start, end]);
    at = text.indexOf(needle, end);
  }
  return out;
}

/**
 * Every literal block of a `source` key whose text repeats an earlier one becomes an alias of that
 * one (`source: &script1 |-` … `source: *script1`). Works on js-yaml's output, where a block's lines
 * are indented past its key and end at the first line that is not; the caller reads the text back
 * and compares it with the body, so a block read wrongly here cannot go unnoticed. Only the lines
 * of script blocks are split: a pipeline is a thousand lines, its scripts two or three.
 */
function aliasRepeatedScripts(text: string): string {
  const blocks: { header: number; start: number; end: number; lead: string; lines: number; content?: string }[] = [];
  for (const [header, headerEnd] of linesHolding(text, 'source: |-')) {
    const lead = SCRIPT_BLOCK.exec(text.slice(header, headerEnd))?.[1];
    if (lead === undefined || headerEnd === text.length) continue;
    const inside = ' '.repeat(lead.length + 1);
    const start = headerEnd + 1;
    // The block's lines: empty or indented past the key; trailing empty lines are not its own.
    let at = start;
    let end = headerEnd;
    let count = 0;
    let lines = 0;
    while (at < text.length) {
      const stop = text.indexOf('\n', at);
      const lineEnd = stop === -1 ? text.length : stop;
      if (lineEnd === at) {
        if (stop === -1) break;
      } else if (text.startsWith(inside, at)) {
        end = lineEnd;
        lines = count + 1;
      } else break;
      count++;
      at = lineEnd + 1;
    }
    blocks.push({ header, start, end, lead, lines });
  }
  // Only blocks of as many lines can hold the same text: the others are never split into lines.
  const sizes = new Map<number, number>();
  for (const b of blocks) sizes.set(b.lines, (sizes.get(b.lines) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const b of blocks) {
    if ((sizes.get(b.lines) ?? 0) < 2) continue;
    const lines = b.end > b.start ? text.slice(b.start, b.end).split('\n') : [];
    const indent = /^ */.exec(lines[0] ?? '')?.[0].length ?? 0;
    b.content = lines.map((l) => l.slice(indent)).join('\n');
    seen.set(b.content, (seen.get(b.content) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  const out: string[] = [];
  let from = 0;
  for (const b of blocks) {
    if (b.content === undefined || (seen.get(b.content) ?? 0) < 2) continue;
    out.push(text.slice(from, b.header));
    const name = names.get(b.content);
    if (name) {
      out.push(`${b.lead}source: *${name}`);
    } else {
      const fresh = `script${names.size + 1}`;
      names.set(b.content, fresh);
      out.push(`${b.lead}source: &${fresh} |-`, text.slice(b.start - 1, b.end));
    }
    from = b.end;
  }
  out.push(text.slice(from));
  return out.join('');
}

/** Reads YAML that evforge wrote (YAML 1.2 core schema; a duplicate key is an error). */
export function readYaml(text: string, filename: string): unknown {
  return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename });
}
