import { strict as assert } from 'node:assert';
import { InFlight } from '../../../../src/api/replay/in-flight.ts';

// The replay keeps sent-but-unanswered events so a refused one can be stored as a failure record.
// The budget bounds its memory, in bytes and in events; the oldest events go first.
describe('replay in-flight window', () => {
  it('keeps the newest events within the byte budget and evicts the oldest first', () => {
    const window = new InFlight({ bytes: 10, events: 100 });
    window.add('a', 0, 1, 'xxxx');
    window.add('b', 0, 2, 'xxxx');
    assert.deepEqual(window.get('a'), { file: 0, line: 1, text: 'xxxx' });
    window.add('c', 1, 3, 'xxxx');
    assert.equal(window.get('a'), undefined, 'the oldest event leaves when the budget is exceeded');
    assert.equal(window.get('b')?.text, 'xxxx');
    assert.deepEqual(window.get('c'), { file: 1, line: 3, text: 'xxxx' });
  });

  it('counts each event\'s share of the request too: tiny events are bounded by what they weigh on the wire', () => {
    // 1 000 000 empty events, each with a 90-byte action line: a 9 000-byte budget keeps 100.
    const window = new InFlight({ bytes: 9_000, events: 1_000_000 }, 90);
    for (let i = 0; i < 1_000_000; i++) window.add(`id${i}`, 0, i + 1, '');
    assert.equal(window.size, 100);
    assert.equal(window.get('id999900')?.line, 999_901);
    assert.equal(window.get('id999899'), undefined);
  });

  it('keeps at most its budget of events, whatever their size', () => {
    const window = new InFlight({ bytes: 1e12, events: 50 });
    for (let i = 0; i < 10_000; i++) window.add(`id${i}`, 0, i + 1, 'x');
    assert.equal(window.size, 50);
    assert.equal(window.get('id9949'), undefined);
    assert.equal(window.get('id9950')?.line, 9951);
  });

  it('finds a re-added id as its newest document, and survives many evictions before and after the first lookup', () => {
    const window = new InFlight({ bytes: 100, events: 1000 });
    for (let i = 0; i < 50_000; i++) window.add(`id${i}`, 0, i, 'x'.repeat(10));
    window.add('id49999', 0, -1, 'x'.repeat(10));
    assert.equal(window.get('id49999')?.line, -1);
    assert.equal(window.get('id49991')?.line, 49991);
    assert.equal(window.get('id49990'), undefined);
    // Looked up once: the index follows later adds and evictions.
    for (let i = 50_000; i < 60_000; i++) window.add(`id${i}`, 0, i, 'x'.repeat(10));
    assert.equal(window.get('id59999')?.line, 59999);
    assert.equal(window.get('id59990')?.line, 59990);
    assert.equal(window.get('id59989'), undefined);
    assert.equal(window.get('id49999'), undefined, 'the re-added id left with its newest document');
  });
});
