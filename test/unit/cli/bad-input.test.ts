import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTree } from '../../../src/io/files.ts';
import { copyProject, runCli } from '../../helpers.ts';

/**
 * Malformed input to every command: each is refused with an error that names the place and the
 * fix, exits with its documented code (1 bad input, 2 bad command line), and changes nothing in
 * mappings/. No cluster is needed: input is checked before any connection.
 */
const NODE = 'http://127.0.0.1:9';

const CASES: [name: string, argv: string[], code: 1 | 2, says: RegExp][] = [
  ['no command', [], 2, /name a command/],
  ['an unknown command', ['frobnicate'], 2, /Unknown argument: frobnicate|Did you mean/],
  ['generate: an unknown flag', ['generate', '--outt', 'x'], 2, /Unknown argument: outt/],
  ['generate: a missing definition file', ['generate', 'examples/nope.ts'], 1, /✖ examples\/nope\.ts: file not found\n {2}hint: check the path/],
  ['generate: a folder given as a definition', ['generate', 'examples/events'], 1, /✖ examples\/events: is not a file\n {2}hint: pass a \.ts file/],
  ['generate: a JSON file given as a definition', ['generate', 'examples/events/ntlm-8002.json'], 1, /is not a TypeScript or JavaScript module/],
  ['generate: a definition with a syntax error', ['generate', 'broken.ts'], 1, /✖ broken\.ts: cannot load definition: line 1:\d+: .*\n {2}hint: fix the error at that line/],
  ['generate: --out is a file', ['generate', '--out', 'examples/ntlm-8002.ts'], 2, /✖ --out "examples\/ntlm-8002\.ts" \(.*\) is a file, not a folder\n {2}hint: remove or rename that file, or pass another --out/],
  ['check: a missing definition file', ['check', 'nope.ts'], 1, /✖ nope\.ts: file not found/],
  ['compare: --base is required', ['compare'], 2, /Missing required argument: base/],
  ['compare: a base that does not exist', ['compare', '--base', 'no/such/dir-or-ref'], 1, /✖ .*(git rev-parse failed|git ls-tree failed|not a git repository|holds no generated)/],
  ['compare: --fail-on takes a level', ['compare', '--base', 'mappings', '--fail-on', 'sometimes'], 2, /Invalid values:[\s\S]*fail-on/],
  ['push: a missing definition file', ['push', 'nope.ts', '--node', NODE], 1, /✖ nope\.ts: file not found/],
  ['push: no --node', ['push'], 2, /no cluster given: pass --node URL\n {2}hint: for a local test node: `npm run cluster -- start`/],
  ['push: --api-key with --username', ['push', '--node', NODE, '--api-key', 'k', '--username', 'u'], 2, /--api-key and --username\/--password are alternatives/],
  ['push: --password without --username', ['push', '--node', NODE, '--password', 'p'], 2, /--password given without --username/],
  ['push: --insecure with --ca', ['push', '--node', NODE, '--insecure', '--ca', 'ca.pem'], 2, /--insecure and --ca contradict each other/],
  ['push: a CA file that does not exist', ['push', '--node', NODE, '--ca', 'missing.pem'], 1, /✖ missing\.pem: cannot read CA file \(ENOENT\)\n {2}hint: pass the PEM file/],
  ['push: --node is not a URL', ['push', '--node', 'not a url'], 2, /✖ --node "not a url" is not an http\(s\) URL\n {2}hint: pass --node http\(s\):\/\/host:port/],
  ['push: --kibana is not a URL', ['push', '--node', NODE, '--kibana', 'ftp://x'], 2, /--kibana "ftp:\/\/x" is not an http\(s\) URL/],
  ['diff: --timeout must be positive', ['diff', '--node', NODE, '--timeout', '0'], 2, /--timeout must be a number from 0.001 to 3600 seconds, got 0/],
  ['test: a missing definition file', ['test', 'nope.ts', '--node', NODE], 1, /✖ nope\.ts: file not found/],
  ['replay: no event file', ['replay', '--node', NODE], 2, /Not enough non-option arguments|no event files given/],
  ['replay: a missing event file', ['replay', '--node', NODE, 'nope.ndjson'], 1, /✖ nope\.ndjson: file not found\n {2}hint: check the path/],
  ['replay: a folder as an event file', ['replay', '--node', NODE, 'examples'], 1, /✖ examples: is a folder/],
  ['replay: invalid JSON on line 3', ['replay', '--node', NODE, 'bad.ndjson'], 1, /✖ bad\.ndjson:3: invalid JSON: .*\n {2}hint: fix the event at that line; nothing was sent/],
  ['replay: a scalar in a JSON array', ['replay', '--node', NODE, 'scalars.json'], 1, /✖ scalars\.json:2: an event must be a JSON object, got number/],
  ['replay: a truncated file', ['replay', '--node', NODE, 'truncated.json'], 1, /✖ truncated\.json:1: the file ends inside an event \(truncated JSON\)/],
  ['replay: --definition with --data-stream', ['replay', '--node', NODE, 'x.ndjson', '--definition', 'a.ts', '--data-stream', 'b'], 2, /Arguments definition and data-stream are mutually exclusive/],
];

describe('bad input to every command is refused clearly, and writes nothing', function () {
  this.timeout(60_000);
  let p: ReturnType<typeof copyProject>;
  let before: string;
  const snapshot = async () => [...(await readTree(join(p.dir, 'mappings')))].map(([k, v]) => `${k}:${v.toString('base64')}`).sort().join('\n');

  beforeEach(async () => {
    p = copyProject('badinput');
    assert.equal((await runCli(p.dir, ['generate'])).code, 0);
    writeFileSync(join(p.dir, 'broken.ts'), "export default { name: 'x' ;\n");
    writeFileSync(join(p.dir, 'bad.ndjson'), '{"a":1}\n{"b":2}\n{"c": nope}\n{"d":4}\n');
    writeFileSync(join(p.dir, 'scalars.json'), '[{"a":1},\n 42]\n');
    writeFileSync(join(p.dir, 'truncated.json'), '{"a": {"b": 1}\n');
    mkdirSync(join(p.dir, 'empty-dir'));
    before = await snapshot();
  });
  afterEach(() => p.cleanup());

  for (const [name, argv, code, says] of CASES) {
    it(`${name} → exit ${code}`, async () => {
      const r = await runCli(p.dir, argv);
      assert.equal(r.code, code, r.all);
      assert.match(r.stderr, /^✖ /m, 'an error line');
      assert.match(r.all, says);
      assert.doesNotMatch(r.all, /unexpected error/);
      assert.equal(await snapshot(), before, 'mappings/ unchanged byte for byte');
    });
  }
});
