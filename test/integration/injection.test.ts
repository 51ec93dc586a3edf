import assert from 'node:assert/strict';
import adversarial from '../fixtures/valid/adversarial.ts';
import { loadDefinition } from '../../src/definition/resolve.ts';
import { buildQueries } from '../../src/generate/rules.ts';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { ROOT, runCli } from '../helpers.ts';
import { sharedNode } from './node.ts';

/**
 * Hostile text in a definition (quotes, newlines, Mustache braces, YAML comment marks, a line
 * separator, emoji) must stay data everywhere: the generated pipeline runs on the real node and
 * writes that text literally, and the compiled queries still find the event.
 */
describe('hostile definition text on the real node', function () {
  this.timeout(120_000);
  const def = loadDefinition(adversarial);
  let node: string;
  let cluster: Cluster;
  const event = {
    // The hostile provider name is how the pipeline recognizes the event: it must match as data.
    system: { provider: def.provider.name, event_id: def.eventId, task: 0, opcode: 0, channel: def.channel, computer: 'H', time_created: '2026-03-12T02:56:00.5+00:00', event_record_id: 1 },
    event_data: { Value: 'pre {{x}} post', Other_Name: 'x y/z-(w)' },
    message: '',
  };

  before(async () => {
    node = await sharedNode();
    const r = await runCli(ROOT, ['push', 'test/fixtures/valid/adversarial.ts', '--node', node]);
    assert.equal(r.code, 0, r.all);
    cluster = await Cluster.connect({ node });
  });
  after(() => cluster?.close());

  it('names, the action and the message are written literally: no Mustache, no Painless, no YAML escapes', async () => {
    const [r] = await cluster.simulate('logs-hostile.test', [JSON.stringify(event)]);
    const doc = r!.source as { winlog: Record<string, unknown>; event: Record<string, unknown>; message: string };
    assert.equal(doc.winlog['opcode'], '{{opcode}}');
    assert.equal(doc.winlog['task'], 'None: #');
    assert.equal(doc.event['action'], def.ecs.action);
    const expected = def.messageParts.map((p) => (typeof p === 'string' ? p : ['pre {{x}} post', 'x y/z-(w)'][p.insert - 1])).join('');
    assert.equal(doc.message, expected);
    assert.ok(doc.message.includes('\u2028') && doc.message.includes('{{{nope}}}'));
    assert.equal(doc.event['kind'], 'event');
    assert.deepEqual((doc as unknown as { evforge: unknown }).evforge, { event: def.name });
  });

  it('the compiled Lucene and DSL queries find the event on a hostile channel', async () => {
    const ds = 'logs-hostile.test-injection';
    await cluster.deleteDataStream(ds);
    assert.deepEqual(await cluster.createDocuments(ds, [{ id: 'hostile', text: JSON.stringify(event) }]), []);
    const q = buildQueries(def, def.detections[0]!);
    assert.deepEqual((await cluster.search(ds, q.dsl!)).ids, ['hostile']);
    assert.deepEqual((await cluster.search(ds, { query_string: { query: q.lucene! } })).ids, ['hostile']);
    await cluster.deleteDataStream(ds);
  });
});
