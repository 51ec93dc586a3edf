import assert from 'node:assert/strict';
import { copyProject, runCli } from '../../helpers.ts';

/**
 * Every option is checked before a file is read or a request sent (issue 12, items 5–7): a bad
 * value exits 2 with one line naming the flag, the rule and the value. Nothing listens on NODE, so
 * a check that let a value through would show up as exit 3 (cannot connect) instead.
 */
const NODE = 'http://127.0.0.1:9';
const EVENTS = 'examples/events/ntlm-8002.json';

const CASES: [name: string, argv: string[], says: RegExp][] = [
  ['replay --concurrency 0', ['replay', '--node', NODE, '--concurrency', '0', EVENTS], /--concurrency must be a whole number from 1 to 64, got 0$/m],
  ['replay --concurrency -1', ['replay', '--node', NODE, '--concurrency', '-1', EVENTS], /--concurrency must be a whole number from 1 to 64, got -1$/m],
  ['replay --concurrency abc', ['replay', '--node', NODE, '--concurrency', 'abc', EVENTS], /--concurrency must be a whole number from 1 to 64, got not a number$/m],
  ['replay --concurrency 1.5', ['replay', '--node', NODE, '--concurrency', '1.5', EVENTS], /--concurrency must be a whole number .*, got 1\.5$/m],
  ['replay --concurrency given twice', ['replay', '--node', NODE, '--concurrency', '2', '--concurrency', '3', EVENTS], /--concurrency must be .*, got 2 values$/m],
  ['replay --batch-bytes abc', ['replay', '--node', NODE, '--batch-bytes', 'abc', EVENTS], /--batch-bytes must be a whole number from 1024 to 100000000 bytes, got not a number$/m],
  ['replay --batch-bytes 0', ['replay', '--node', NODE, '--batch-bytes', '0', EVENTS], /--batch-bytes must be .*, got 0$/m],
  ['replay --batch-bytes -5', ['replay', '--node', NODE, '--batch-bytes', '-5', EVENTS], /--batch-bytes must be .*, got -5$/m],
  ['replay --timeout abc', ['replay', '--node', NODE, '--timeout', 'abc', EVENTS], /--timeout must be a number from 0\.001 to 3600 seconds, got not a number$/m],
  ['diff --timeout Infinity', ['diff', '--node', NODE, '--timeout', 'Infinity'], /--timeout must be a number .*, got Infinity$/m],
  ['push --timeout -1', ['push', '--node', NODE, '--timeout', '-1'], /--timeout must be a number .*, got -1$/m],
  ['push --namespace "BAD NS"', ['push', '--node', NODE, '--namespace', 'BAD NS'], /--namespace "BAD NS" is not a valid namespace: it must be lowercase/],
  ['push --namespace "bad ns"', ['push', '--node', NODE, '--namespace', 'bad ns'], /--namespace "bad ns" is not a valid namespace: it contains " "/],
  ['push --namespace UPPER', ['push', '--node', NODE, '--namespace', 'UPPER'], /it must be lowercase/],
  ['push --namespace a*b', ['push', '--node', NODE, '--namespace', 'a*b'], /it contains "\*"/],
  ['push --namespace ../x', ['push', '--node', NODE, '--namespace', '../x'], /it contains "\/"/],
  ['push --namespace a,b', ['push', '--node', NODE, '--namespace', 'a,b'], /it contains ","/],
  ['push --namespace a#b', ['push', '--node', NODE, '--namespace', 'a#b'], /it contains "#"/],
  ['push --namespace ""', ['push', '--node', NODE, '--namespace', ''], /--namespace "" is not a valid namespace: it is empty/],
  ['push --namespace a-b', ['push', '--node', NODE, '--namespace', 'a-b'], /it contains "-", which separates type, dataset and namespace/],
  ['push --namespace _x', ['push', '--node', NODE, '--namespace', '_x'], /it starts with "_"/],
  ['push --namespace of 101 bytes', ['push', '--node', NODE, '--namespace', 'a'.repeat(101)], /it is 101 bytes long \(at most 100\)/],
  ['push --namespace con (a Windows device name)', ['push', '--node', NODE, '--namespace', 'con'], /--namespace "con" is not a valid namespace: it is a Windows device name \(CON\)/],
  ['push --namespace lpt9.prod (a device name with an extension)', ['push', '--node', NODE, '--namespace', 'lpt9.prod'], /it is a Windows device name \(LPT9 with an extension\)/],
  ['replay --namespace "prod." (ends with a dot)', ['replay', '--node', NODE, '--namespace', 'prod.', EVENTS], /--namespace "prod\." is not a valid namespace: it ends with a dot, which Windows drops from file names/],
  ['diff --namespace "BAD NS"', ['diff', '--node', NODE, '--namespace', 'BAD NS'], /is not a valid namespace/],
  ['replay --namespace a/b', ['replay', '--node', NODE, '--namespace', 'a/b', EVENTS], /is not a valid namespace: it contains "\/"/],
  ['replay --data-stream Logs', ['replay', '--node', NODE, '--data-stream', 'Logs-x-y', EVENTS], /--data-stream "Logs-x-y" is not a valid data stream: it must be lowercase/],
];

describe('numeric options and names are validated before anything is read or sent', function () {
  this.timeout(60_000);
  let p: ReturnType<typeof copyProject>;
  before(() => {
    p = copyProject('options');
  });
  after(() => p.cleanup());

  for (const [name, argv, says] of CASES) {
    it(`${name} → exit 2, one line`, async () => {
      const r = await runCli(p.dir, argv);
      assert.equal(r.code, 2, r.all);
      assert.match(r.stderr, says);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('✖')).length, 1);
      assert.equal(r.stdout.trim(), '', 'nothing was started');
    });
  }
});

describe('credentials in --node never show, and percent-encoding is accepted', function () {
  this.timeout(60_000);
  let p: ReturnType<typeof copyProject>;
  before(() => {
    p = copyProject('creds');
  });
  after(() => p.cleanup());
  const SECRET = 'Hunter2xSecret';

  for (const node of [`user:${SECRET}@127.0.0.1:9250`, `http://user@${SECRET}:127.0.0.1:9250`, `user@${SECRET}`, `ftp://user:${SECRET}@127.0.0.1:9250`]) {
    it(`--node ${node.replace(SECRET, '<secret>')}: exit 2, the secret not printed`, async () => {
      for (const cmd of ['push', 'diff', 'test']) {
        const r = await runCli(p.dir, [cmd, '--node', node, '--verbose']);
        assert.equal(r.code, 2, r.all);
        assert.match(r.stderr, /is not an http\(s\) URL/);
        assert.ok(!r.all.includes(SECRET), r.all);
      }
    });
  }

  for (const password of ['p%25ss%40word', 'p%zz%', '%E2%82%AC']) {
    it(`percent-encoded URL credentials (${password}) are accepted: the command gets as far as connecting`, async () => {
      const r = await runCli(p.dir, ['diff', '--node', `http://admin:${password}@127.0.0.1:9`]);
      assert.equal(r.code, 3, r.all);
      assert.match(r.stderr, /cannot connect to http:\/\/127\.0\.0\.1:9/);
      assert.ok(!r.all.includes(password), r.all);
    });
  }

  it('EVFORGE_PASSWORD goes with the user name in the URL', async () => {
    const r = await runCli(p.dir, ['diff', '--node', 'http://admin@127.0.0.1:9'], { EVFORGE_PASSWORD: SECRET });
    assert.equal(r.code, 3, r.all);
    assert.doesNotMatch(r.all, /--password given without --username/);
    assert.ok(!r.all.includes(SECRET));
  });
});
