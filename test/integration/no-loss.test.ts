import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentId } from '../../src/event-ids.ts';
import { copyProject, runCli } from '../helpers.ts';
import { MALFORMATIONS, generateEvents, type GeneratedEvent } from '../support/malformed.ts';
import { sharedNode } from './node.ts';

const COUNT = 12_000;
const NAMESPACE = 'noloss';
const DS = `logs-windows.ntlm-${NAMESPACE}`;

/** Every string in a JSON value (keys excluded). */
function strings(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
  return out;
}

describe(`no event lost: ${COUNT} generated events, most of them malformed, through the real pipeline`, function () {
  this.timeout(600_000);
  let node: string;
  let p: ReturnType<typeof copyProject>;
  let events: GeneratedEvent[];
  const stored = new Map<string, Record<string, unknown>>();
  const ids: string[] = [];
  /** Distinct documents: events are identified by their record (or, without one, their content), so the 300-odd identical empty documents are one. */
  let distinct = 0;

  const search = async (body: object) => {
    const r = await fetch(`${node}/${DS}/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await r.json()) as { hits: { total: { value: number }; hits: { _id: string; _source: Record<string, unknown> }[] } };
  };
  const count = async (query: object) => (await search({ size: 0, track_total_hits: true, query })).hits.total.value;

  before(async () => {
    node = await sharedNode();
    p = copyProject('noloss');
    events = generateEvents(COUNT, 8002);
    const file = join(p.dir, 'events.ndjson');
    writeFileSync(file, events.map((e) => e.text).join('\n') + '\n');
    events.forEach((e) => ids.push(documentId(e.text) ?? assert.fail(`not a JSON object: ${e.text.slice(0, 80)}`)));
    distinct = new Set(ids).size;
    await fetch(`${node}/_data_stream/${DS}`, { method: 'DELETE' });
    const push = await runCli(p.dir, ['push', '--node', node, '--namespace', NAMESPACE]);
    assert.equal(push.code, 0, push.all);
  });
  after(() => p.cleanup());

  it('covers every malformation of the issue, mixed with valid events', () => {
    const kinds = new Set(events.map((e) => e.kind));
    for (const k of MALFORMATIONS) assert.ok(kinds.has(k), k);
    assert.ok(events.filter((e) => e.expect).length > COUNT * 0.2);
    assert.ok(distinct > COUNT * 0.95 && distinct < COUNT, `${distinct} distinct: identical events (no record id, same content) are one document`);
  });

  it('replay: sent = indexed + already present (the repeats of identical events), nothing failed, nothing twice', async () => {
    const r = await runCli(p.dir, ['replay', '--node', node, '--namespace', NAMESPACE, 'events.ndjson']);
    assert.equal(r.code, 0, r.all);
    assert.match(r.stdout, new RegExp(`sent ${COUNT}, indexed ${distinct}, already present ${COUNT - distinct}, failed 0`));
    // What the engine's parser refuses (an empty key, a time date_nanos cannot hold) the pipeline moves aside first.
    assert.doesNotMatch(r.stdout, /refused by the engine/);
    assert.equal(await count({ match_all: {} }), distinct, 'every document is in the data stream');
  });

  it('every event is stored under its id (one the engine refused would be its failure record, `<id>-refused`)', async () => {
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const res = await search({ size: 1000, query: { ids: { values: [...batch, ...batch.map((id) => `${id}-refused`)] } } });
      for (const h of res.hits.hits) stored.set(h._id.replace(/-refused$/, ''), h._source);
    }
    assert.equal(stored.size, distinct);
  });

  it('valid events are normalized and untouched by the failure handling', () => {
    let checked = 0;
    events.forEach((e, i) => {
      if (!e.expect) return;
      const doc = stored.get(ids[i]!)! as Record<string, Record<string, unknown>>;
      assert.equal(doc['event']!['kind'], 'event', `${e.kind} #${i}: ${JSON.stringify(doc['error'])}`);
      assert.equal(doc['error'], undefined);
      const { keywords_mask: mask, ...evforge } = doc['evforge'] ?? {};
      assert.deepEqual(evforge, { event: 'ntlm-8002' }, 'recognized, with nothing quarantined');
      if (e.kind === 'valid-system-shape') assert.equal(mask, '0x8000000000000000', 'the keyword mask, exact');
      assert.equal(doc['process']!['pid'], e.expect.pid);
      assert.equal(doc['process']!['executable'], e.expect.executable);
      assert.equal(doc['process']!['name'], e.expect.name);
      assert.equal(doc['user']!['name'], e.expect.user);
      assert.equal((doc['winlog'] as Record<string, unknown>)['record_id'], e.expect.recordId);
      assert.equal(doc['event']!['code'], '8002');
      checked++;
    });
    assert.ok(checked > 3000, `${checked} valid events checked`);
  });

  it('every event that could not be normalized is stored, marked pipeline_error, with error.message', async () => {
    const errors = await count({ term: { 'event.kind': 'pipeline_error' } });
    assert.ok(errors > COUNT * 0.3, `${errors} marked`);
    assert.equal(await count({ bool: { filter: [{ term: { 'event.kind': 'pipeline_error' } }], must_not: [{ exists: { field: 'error.message' } }] } }), 0);
    const emptyKey = stored.get(ids[events.findIndex((e) => e.kind === 'empty-key')]!) as { event: { kind: string }; evforge: { invalid: Record<string, unknown> }; unknown_big: unknown };
    assert.equal(emptyKey.event.kind, 'pipeline_error');
    assert.equal(emptyKey.evforge.invalid[''], 'an empty key', 'the empty key kept aside, not refused');
    assert.equal(emptyKey.unknown_big, '123456789012345678901234567890', 'digits exact');
    for (const [i, e] of events.entries()) {
      if (e.kind !== 'timestamp-out-of-range') continue;
      const doc = stored.get(ids[i]!) as { '@timestamp': string; evforge: { invalid: Record<string, unknown> }; winlog: { time_created: string } };
      assert.ok(doc['@timestamp'].startsWith('2026-'), `the event's own time_created instead of ${doc['@timestamp']}`);
      assert.match(String(doc.evforge.invalid['@timestamp']), /^(1900|2263)-/);
    }
    for (const kind of ['pid-not-numeric', 'pid-above-2^32', 'pid-negative', 'objects-in-event-data', 'event-data-not-an-object', 'declared-objects-as-scalars', 'old-and-new-names-together']) {
      const i = events.findIndex((e) => e.kind === kind && !e.text.includes('"event_data":null'));
      const doc = stored.get(ids[i]!)! as Record<string, Record<string, unknown>>;
      assert.equal(doc['event']?.['kind'], 'pipeline_error', kind);
    }
  });

  it('every string of every original event is still in its stored document', () => {
    const nullTokens = new Set(['(NULL)', '-', '']);
    let strs = 0;
    events.forEach((e, i) => {
      const original = strings(JSON.parse(e.text));
      const doc = stored.get(ids[i]!) as { event?: { original?: string } };
      // A failure record holds the refused event whole, as text.
      const kept = doc.event?.original ? strings(JSON.parse(doc.event.original)) : strings(doc);
      for (const s of original) {
        if (nullTokens.has(s)) continue;
        strs++;
        // A bare header GUID is written in braces, as Windows writes it (one form whatever the shape): its text is kept.
        const braced = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(s) && kept.has(`{${s}}`);
        assert.ok(kept.has(s) || braced, `${e.kind} #${i + 1}: ${JSON.stringify(s.slice(0, 60))} was lost`);
      }
    });
    assert.ok(strs > COUNT);
  });

  it('a second replay of the same file indexes nothing twice', async () => {
    const r = await runCli(p.dir, ['replay', '--node', node, '--namespace', NAMESPACE, 'events.ndjson']);
    assert.match(r.stdout, new RegExp(`sent ${COUNT}, indexed 0, already present ${COUNT}, failed 0`));
    assert.equal(await count({ match_all: {} }), distinct);
  });
});
