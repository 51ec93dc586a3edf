import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compactJson, contentDigest, documentId, identityDigest, identityOf, idText } from '../../src/event-ids.ts';

const identityId = (id: Parameters<typeof identityDigest>[0]) => idText(identityDigest(id));
const contentId = (text: string) => idText(contentDigest(text));

/**
 * Replay ids come from what identifies a Windows event (computer, channel, provider, EventRecordID),
 * so every export of the same log, in any order or form, meets its own documents; and only from an
 * event's content where it has no record id. Never from a place in a file.
 */
describe('replay document ids', () => {
  // Ids must not change between versions: a second replay must meet the first one's documents.
  // These were computed outside evforge (`printf 'windows-event\n[…]' | openssl dgst -sha256 -binary |
  // base64`, URL-safe, 24 characters): the same values must give the same ids, whatever computes them.
  it('are stable: pinned ids for an identity and for a content', () => {
    assert.equal(identityId({ computer: 'LAB-WIN11', channel: 'Microsoft-Windows-NTLM/Operational', provider: 'Microsoft-Windows-NTLM', recordId: '1104' }), 'EVYgDMYRs-83B9rXlxYKglVw');
    assert.equal(identityId({ computer: '東京-PC01', channel: 'Microsoft-Windows-NTLM/Operational', provider: 'Microsoft-Windows-NTLM', recordId: '18446744073709551615' }), 'RtNBjTMbJKkxvc8dhU82OZE9');
    assert.equal(contentId('{"a":1}'), 'WzEmVoZui5fvzCFr9J2IccKG');
    assert.equal(contentId(''), 'Q0copBCnj1b8G1iZw1k0NuYa');
  });

  it('read the identity from the seed\'s shape, Winlogbeat\'s, and a converted XML event alike', () => {
    const want = { computer: 'C', channel: 'Ch', provider: 'P', recordId: '42' };
    assert.deepEqual(identityOf({ system: { computer: 'C', channel: 'Ch', provider: 'P', event_record_id: 42 } }), want);
    assert.deepEqual(identityOf({ system: { computer: 'C', channel: 'Ch', provider: 'P', event_record_id: '42' } }), want);
    assert.deepEqual(identityOf({ system: { computer: 'C', channel: 'Ch', guid: 'P', event_record_id: '0042' } }), want, 'the GUID when there is no name; digits without leading zeros');
    assert.deepEqual(identityOf({ winlog: { computer_name: 'C', channel: 'Ch', provider_name: 'P', record_id: '42' } }), want);
    const big = '{"system":{"computer":"C","channel":"Ch","provider":"P","event_record_id":18446744073709551615}}';
    assert.equal(identityOf(JSON.parse(big), big)?.recordId, '18446744073709551615', 'a record id above 2^53 is read as the digits written');
    assert.equal(documentId(big), identityId({ ...want, recordId: '18446744073709551615' }));
  });

  it('fall back to the content when any of the four is missing or not a record id; not a JSON object is no id at all', () => {
    for (const e of [{ system: { computer: 'C', channel: 'Ch', provider: 'P' } }, { system: { computer: '', channel: 'Ch', provider: 'P', event_record_id: 1 } }, { system: { computer: 'C', channel: ['Ch'], provider: 'P', event_record_id: 1 } }, { system: { computer: 'C', channel: 'Ch', provider: 'P', event_record_id: -1 } }, { system: { computer: 'C', channel: 'Ch', provider: 'P', event_record_id: 1.5 } }, { system: [], a: 1 }]) {
      assert.equal(identityOf(e), undefined, JSON.stringify(e));
      assert.equal(documentId(JSON.stringify(e)), contentId(JSON.stringify(e)));
    }
    for (const bad of ['{"partial":', '{"a":1} x', '[1]', 'null', '']) assert.equal(documentId(bad), undefined, bad);
  });

  const word = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
  const identity = fc.record({ computer: word, channel: word, provider: word, recordId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) });
  const extra = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });

  it('property: every form of one event gets the same id — compact or pretty JSON, number or string record id, seed or Winlogbeat shape (seeded)', () => {
    fc.assert(
      fc.property(identity, extra, (id, data) => {
        const seedShape = { system: { computer: id.computer, channel: id.channel, provider: id.provider, event_record_id: String(id.recordId) }, event_data: data };
        const compact = JSON.stringify(seedShape);
        const pretty = JSON.stringify(seedShape, null, 2).replace(/[\r\n]+/g, ' ');
        const asNumber = compact.replace(`"event_record_id":"${id.recordId}"`, `"event_record_id":${id.recordId}`);
        const winlog = JSON.stringify({ '@timestamp': 'x', winlog: { computer_name: id.computer, channel: id.channel, provider_name: id.provider, record_id: String(id.recordId), event_data: data } });
        const ids = new Set([compact, pretty, asNumber, winlog].map((t) => documentId(t)));
        assert.equal(ids.size, 1, [compact, pretty, asNumber, winlog].join('\n'));
      }),
      { seed: 24, numRuns: 300 },
    );
  });

  it('property: events differing in any of the four values get different ids; the rest of the event plays no part (seeded)', () => {
    fc.assert(
      fc.property(identity, identity, extra, extra, (a, b, da, db) => {
        const text = (id: typeof a, d: unknown) => JSON.stringify({ system: { computer: id.computer, channel: id.channel, provider: id.provider, event_record_id: String(id.recordId) }, event_data: d });
        const same = a.computer === b.computer && a.channel === b.channel && a.provider === b.provider && a.recordId === b.recordId;
        assert.equal(documentId(text(a, da)) === documentId(text(b, db)), same);
        assert.equal(documentId(text(a, da)), documentId(text(a, db)), 'another rendering of the same record is the same event');
      }),
      { seed: 25, numRuns: 300 },
    );
  });

  it('property: without a record id, the content decides: pretty and compact agree, a changed value does not (seeded)', () => {
    fc.assert(
      fc.property(extra, fc.jsonValue({ maxDepth: 2 }), (data, other) => {
        const compact = JSON.stringify({ event_data: data });
        const pretty = JSON.stringify({ event_data: data }, null, '\t').replace(/[\r\n]+/g, ' ');
        assert.equal(compactJson(pretty), compact);
        assert.equal(documentId(pretty), documentId(compact));
        const changed = JSON.stringify({ event_data: data, x: other });
        assert.notEqual(documentId(changed), documentId(compact));
      }),
      { seed: 26, numRuns: 300 },
    );
  });

  it('compactJson leaves strings alone, escaped quotes and backslashes included', () => {
    assert.equal(compactJson('{ "a b" : "c \\" d" ,\n "e": [ 1 , "\\\\" ] }'), '{"a b":"c \\" d","e":[1,"\\\\"]}');
  });
});
