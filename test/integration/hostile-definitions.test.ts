import assert from 'node:assert/strict';
import fc from 'fast-check';
import YAML from 'yaml';
import adversarial from '../fixtures/valid/adversarial.ts';
import { ValidationError } from '../../src/errors.ts';
import { generateAll } from '../../src/index.ts';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { sharedNode } from './node.ts';

/**
 * Property (fast-check, seeded and bounded): definitions whose text is generated to be hostile —
 * quotes, backslashes, line breaks and U+2028, Painless and Mustache syntax, YAML and Markdown marks,
 * lone surrogates, emoji — are either refused with located issues or generate artifacts that read
 * back exactly; and on the real node their pipeline writes every such text literally (the message
 * from its template, the action, the older name renamed, a null token dropped): definition text can
 * never change the meaning of the code evforge generates.
 */
const PIECES = ["'", '"', '\\', '\n', '\r', '\u2028', '\u0000', '{{x}}', '{{{_ingest.timestamp}}}', "'; ctx.x = 1; '", '*/', '/*', '// ', '#', ': ', '- ', '|', '`', '%%', '\u{1F600}', 'é', '\uD800', '${x}', '<b>', '&amp;'];
const hostileText = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));

describe('hostile definitions (property, real node)', function () {
  this.timeout(180_000);
  // `%` starts an insert or an escape in a Windows message template (`%1`, `%%`, `%n`): the literal
  // part of the message leaves it out, so the expected text is the generated text itself.
  const literal = hostileText.map((t) => t.replace(/%/g, ''));
  const samples = fc.sample(fc.record({ title: hostileText, action: hostileText, literal, token: hostileText, description: hostileText }), { seed: 20261202, numRuns: 12 });
  let cluster: Cluster;
  before(async () => {
    cluster = await Cluster.connect({ node: await sharedNode() });
  });
  after(() => cluster?.close());

  it('are refused with located issues, or generate artifacts that read back and a pipeline that writes their text literally', async () => {
    let generated = 0;
    for (const [i, s] of samples.entries()) {
      const def = {
        ...adversarial,
        name: `hostile-${i}`,
        dataset: `hostile.prop_${i}`,
        title: s.title,
        description: s.description,
        message: `A ${s.literal} %1 B`,
        ecs: { action: s.action },
        fields: [
          { name: 'Value', type: 'UnicodeString', description: s.description, aliases: ['Old_Value'], nullTokens: [s.token], ecs: ['user.name'] },
          { name: 'Other', type: 'UnicodeString', description: 'x' },
        ],
        detections: [],
      };
      let out: ReturnType<typeof generateAll>;
      try {
        out = generateAll(def, { source: `sample ${i}` });
      } catch (err) {
        assert.ok(err instanceof ValidationError, `sample ${i}: ${String(err)}`);
        for (const issue of err.issues) assert.ok(issue.path && issue.message, `sample ${i}: an issue without a place`);
        continue;
      }
      generated++;
      for (const [path, text] of out.files) if (path.endsWith('.yml')) assert.doesNotThrow(() => YAML.parse(text), path);
      const pipeline = out.artifacts.find((a) => a.kind === 'ingest_pipeline' && a.engine === 'opensearch')!;
      const name = `hostile-prop-${i}`;
      await cluster.client.putPipeline(name, { ...pipeline.body });
      try {
        const event = (v: string) => ({ system: { provider: adversarial.provider.name, event_id: adversarial.eventId, channel: adversarial.channel, time_created: '2026-03-12T02:56:00.5+00:00' }, event_data: { Old_Value: v, Other: 'o' }, message: '' });
        const [kept, dropped] = await cluster.simulate(name, [JSON.stringify(event('v1')), JSON.stringify(event(s.token))]);
        const doc = kept!.source as { message: string; event: { action: string; kind: string }; winlog: { event_data: Record<string, unknown> }; user?: { name: string } };
        assert.equal(doc.event.kind, 'event', `sample ${i}: ${JSON.stringify(doc)}`);
        assert.equal(doc.message, `A ${s.literal} v1 B`, `sample ${i}: the message template`);
        assert.equal(doc.event.action, s.action, `sample ${i}: the action`);
        assert.deepEqual(doc.winlog.event_data, { Value: 'v1', Other: 'o' }, `sample ${i}: the older name renamed`);
        assert.equal(doc.user?.name, 'v1');
        const d2 = dropped!.source as { winlog: { event_data: Record<string, unknown> }; user?: unknown };
        assert.deepEqual(d2.winlog.event_data, { Other: 'o' }, `sample ${i}: the null token ${JSON.stringify(s.token)} dropped`);
        assert.equal(d2.user, undefined);
      } finally {
        await cluster.client.deletePipeline(name);
      }
    }
    assert.ok(generated >= 6, `only ${generated} of ${samples.length} samples were valid definitions: the property tested too little`);
  });
});
