import { portableNameProblem } from '../definition/portable-name.ts';
import { UsageError } from '../errors.ts';

/**
 * A data stream name or namespace, with the engines' index name rules: not empty, lowercase, none
 * of `\ / * ? " < > | , # :` or whitespace, not starting with `_ - +`, not `.` or `..`, at most
 * 255 bytes. A namespace also has the data stream naming scheme's: no `-` (it separates the three
 * parts), at most 100 bytes. Checked before anything is written: a bad namespace must not leave a
 * pipeline behind. `flag` names the value in the message (`--namespace`, or `namespace` in code).
 * @see https://opensearch.org/docs/latest/api-reference/index-apis/create-index/#index-naming-restrictions
 * @see https://www.elastic.co/guide/en/fleet/current/data-streams.html#data-streams-naming-scheme
 */
export function checkIndexName(flag: string, name: unknown, kind: 'namespace' | 'data stream'): string {
  const fail = (why: string): never => {
    throw new UsageError(`${flag} ${JSON.stringify(name)} is not a valid ${kind}: ${why}`, kind === 'namespace' ? 'e.g. --namespace default, or prod, team.a (lowercase letters, digits, . and _)' : 'e.g. --data-stream logs-windows.ntlm-default');
  };
  if (typeof name !== 'string') return fail(Array.isArray(name) ? 'given more than once' : 'not text');
  if (name === '') fail('it is empty');
  if (name !== name.toLowerCase()) fail('it must be lowercase');
  const bad = /[\\/*?"<>|,#:\s]/.exec(name);
  if (bad) fail(`it contains ${JSON.stringify(bad[0])}`);
  if (/^[-_+]/.test(name)) fail(`it starts with ${JSON.stringify(name[0])}`);
  if (name === '.' || name === '..') fail('it is . or ..');
  // A namespace names the user's files too (saved plans, exports): it must be a portable file name.
  const portable = kind === 'namespace' ? portableNameProblem(name) : undefined;
  if (portable) fail(`it ${portable.reason}`);
  const bytes = new TextEncoder().encode(name).length;
  if (kind === 'namespace' && name.includes('-')) fail('it contains "-", which separates type, dataset and namespace');
  if (bytes > (kind === 'namespace' ? 100 : 255)) fail(`it is ${bytes} bytes long (at most ${kind === 'namespace' ? 100 : 255})`);
  return name;
}
