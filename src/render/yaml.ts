import YAML from 'yaml';

/**
 * An object as YAML with sorted keys (as the JSON artifacts) and every multi-line string a literal
 * block scalar, never folded: a script reads one line of Painless per line, in files and in diffs.
 * @see https://yaml.org/spec/1.2.2/#812-literal-style
 */
export function blockYaml(body: unknown): string {
  return YAML.stringify(body, { sortMapEntries: true, lineWidth: 0, blockQuote: 'literal', indent: 2, aliasDuplicateObjects: false });
}
