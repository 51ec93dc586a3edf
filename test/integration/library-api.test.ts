import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ntlm8004 from '../../examples/ntlm-8004.ts';
import { connect, diff, push, PushStoppedError, test } from 'evforge';
import { ClusterError } from '../../src/io/cluster/errors.ts';
import { startFaultProxy } from '../fakes/fault-proxy.ts';
import { copyProject, editFile } from '../helpers.ts';
import { resetCluster, sharedNode } from './node.ts';

/**
 * The library's push, diff and test (`import … from 'evforge'`) against the real node: the same
 * work as the commands, returned as data — nothing printed, nothing exited.
 */
describe('the library API against a real OpenSearch node', function () {
  this.timeout(240_000);
  let node: string;
  let project: ReturnType<typeof copyProject>;
  const objects = ['ingest_pipeline logs-windows.ntlm', 'component_template logs-windows.ntlm@settings', 'component_template logs-windows.ntlm@mappings', 'index_template logs-windows.ntlm', 'data_stream logs-windows.ntlm-default'];
  // Written in the plan's order, except the settings component first: created create-only, it decides which of two concurrent pushes goes on.
  const writeOrder = [objects[1]!, objects[0]!, ...objects.slice(2)];

  before(async () => {
    node = await sharedNode();
    project = copyProject('api');
    await resetCluster(node);
  });
  after(() => project.cleanup());

  it('diff on an empty cluster plans every object as a create', async () => {
    const plan = await diff({ cluster: { node }, cwd: project.dir });
    assert.equal(plan.inSync, false);
    assert.deepEqual(plan.changes.map((c) => `${c.kind} ${c.name}`), objects);
    assert.ok(plan.changes.every((c) => c.action === 'create'));
    assert.equal(plan.cluster.distribution, 'OpenSearch');
  });

  it('push applies the plan in order and reports each write; diff afterwards shows no change', async () => {
    const applied: string[] = [];
    const result = await push({ cluster: { node }, cwd: project.dir, onApplied: (c) => applied.push(`${c.kind} ${c.name}`) });
    assert.equal(result.status, 'applied');
    assert.equal(result.status === 'applied' && result.writes, 5);
    assert.deepEqual(applied, writeOrder);
    const after = await diff({ cluster: { node }, cwd: project.dir });
    assert.equal(after.inSync, true);
    assert.deepEqual(after.changes.map((c) => c.action), ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    assert.equal((await push({ cluster: { node }, cwd: project.dir })).status, 'in_sync');
  });

  it('push of one member of a shared data stream is refused, naming the others; nothing is written', async () => {
    const cluster = await connect({ node });
    try {
      const result = await push({ cluster, cwd: project.dir, definitions: [{ definition: ntlm8004, source: 'examples/ntlm-8004.ts' }] });
      assert.equal(result.status, 'refused_foreign');
      assert.deepEqual(result.status === 'refused_foreign' && result.owners, ['ntlm-8001', 'ntlm-8002', 'ntlm-8003']);
      // The cluster given was left open, and still matches all four definitions.
      assert.equal((await diff({ cluster, cwd: project.dir })).inSync, true);
    } finally {
      await cluster.close();
    }
  });

  it('test reports every example and rule case passing', async () => {
    const report = await test({ cluster: { node }, cwd: project.dir });
    assert.equal(report.failed, 0, JSON.stringify(report.results.filter((r) => !r.ok), null, 2));
    assert.equal(report.passed, report.results.length);
    const seed = report.results.find((r) => r.name === 'ntlm-8002.json');
    assert.deepEqual(seed && { group: seed.group, ok: seed.ok }, { group: 'pipeline logs-windows.ntlm: ntlm-8002', ok: true });
    assert.match(seed?.detail ?? '', /^= ntlm-8002-expected\.json; \d+ values fit the mapping$/);
    assert.ok(report.results.some((r) => r.group === 'rule NTLM Logon' && r.name === '+ seed event (system shape)' && r.ok));
  });

  it('test reports a failing expectation as a failing case, naming the field', async () => {
    const expected = join(project.dir, 'examples/events/ntlm-8002-expected.json');
    const before = readFileSync(expected, 'utf8');
    try {
      editFile(expected, '"name": "lsass.exe"', '"name": "LSASS.EXE"');
      const report = await test({ cluster: { node }, cwd: project.dir, definitions: ['examples/ntlm-8002.ts', 'examples/ntlm-8001.ts', 'examples/ntlm-8003.ts', 'examples/ntlm-8004.ts'] });
      assert.equal(report.failed, 1);
      const failing = report.results.filter((r) => !r.ok);
      assert.deepEqual(failing.map((r) => [r.group, r.name]), [['pipeline logs-windows.ntlm: ntlm-8002', 'ntlm-8002.json']]);
      assert.match(failing[0]?.detail ?? '', /process\.name: expected "LSASS\.EXE", got "lsass\.exe"/);
    } finally {
      writeFileSync(expected, before);
    }
  });

  it('a push that fails part-way throws PushStoppedError: what was written, what was not, and the cause', async () => {
    await resetCluster(node);
    const proxy = await startFaultProxy(node);
    try {
      const forbidden = { error: { type: 'security_exception', reason: 'no permissions for [indices:admin/index_template/put]' }, status: 403 };
      proxy.setFault({ kind: 'status', status: 403, body: forbidden, match: (m, p) => (m === 'PUT' || m === 'POST') && decodeURIComponent(p) === '/_index_template/logs-windows.ntlm' });
      const err = await push({ cluster: { node: proxy.url }, cwd: project.dir }).then(
        () => assert.fail('push succeeded through a 403'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof PushStoppedError, String(err));
      assert.deepEqual(err.written.map((c) => `${c.kind} ${c.name}`), writeOrder.slice(0, 3));
      assert.deepEqual(err.notWritten.map((c) => `${c.kind} ${c.name}`), writeOrder.slice(3));
      assert.ok(err.cause instanceof ClusterError, String(err.cause));
      assert.match(err.cause.message, /403/);
      proxy.setFault(undefined);
      const rest = await push({ cluster: { node: proxy.url }, cwd: project.dir });
      assert.equal(rest.status === 'applied' && rest.writes, 2, 'the next push writes only the rest');
    } finally {
      await proxy.close();
    }
  });
});
