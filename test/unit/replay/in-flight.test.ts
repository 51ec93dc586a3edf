import { strict as assert } from 'node:assert';
import { InFlight } from '../../../src/replay/in-flight.ts';

// The replay keeps sent-but-unanswered events so a refused one can be stored as a failure record.
// The budget bounds its memory; the oldest events go first.
describe('replay in-flight window', () => {
  it('keeps the newest events within the byte budget and evicts the oldest first', () => {
    const window = new InFlight(10);
    window.add('a', 'f:1', 'xxxx');
    window.add('b', 'f:2', 'xxxx');
    assert.equal(window.get('a')?.origin, 'f:1');
    window.add('c', 'f:3', 'xxxx');
    assert.equal(window.get('a'), undefined, 'the oldest event leaves when the budget is exceeded');
    assert.equal(window.get('b')?.text, 'xxxx');
    assert.equal(window.get('c')?.origin, 'f:3');
  });

  it('finds a re-added id as its newest document, and survives many evictions before and after the first lookup', () => {
    const window = new InFlight(100);
    for (let i = 0; i < 50_000; i++) window.add(`id${i}`, `f:${i}`, 'x'.repeat(10));
    window.add('id49999', 'f:again', 'x'.repeat(10));
    assert.equal(window.get('id49999')?.origin, 'f:again');
    assert.equal(window.get('id49991')?.origin, 'f:49991');
    assert.equal(window.get('id49990'), undefined);
    // Looked up once: the index follows later adds and evictions.
    for (let i = 50_000; i < 60_000; i++) window.add(`id${i}`, `f:${i}`, 'x'.repeat(10));
    assert.equal(window.get('id59999')?.origin, 'f:59999');
    assert.equal(window.get('id59990')?.origin, 'f:59990');
    assert.equal(window.get('id59989'), undefined);
    assert.equal(window.get('id49999'), undefined, 'the re-added id left with its newest document');
  });
});
