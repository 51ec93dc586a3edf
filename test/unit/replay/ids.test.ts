import assert from 'node:assert/strict';
import { documentId } from '../../../src/replay/ids.ts';

// Ids are what makes a retry or a second replay index nothing twice: they must never change
// between versions. These were computed by the first implementation (a Hash object fed the place,
// a line break and the text); the same bytes must give the same ids, whatever computes them.
describe('replay document ids', () => {
  const pinned: [text: string, place: string, id: string][] = [
    ['{"a":1}', '1.1', 'weUiaYb32WVPj9huJKan04wt'],
    ['{"x":"\ud800"}', '3.2', 'JPb_K3O1wTVeVz3Ft4P0g9dd'],
    ['{"host":"東京-PC01","u":"Jürgen-Ω"}', '12.1', 'PQwnFmAotxooUXMJRyPUcrer'],
    ['{"e":"\udfff😀"}', '7.1', 'r62tFvNWNaQfl27Ip7vBO0lE'],
    ['', '1.1', 'FSPp6YL_gExtl54bssbz17rj'],
  ];
  for (const [text, place, id] of pinned) {
    it(`are stable: ${JSON.stringify(text)} at ${place}`, () => assert.equal(documentId(text, place), id));
  }

  it('depend on the place as well as the text', () => {
    assert.notEqual(documentId('{"a":1}', '1.1'), documentId('{"a":1}', '2.1'));
    assert.notEqual(documentId('{"a":1}', '1.1'), documentId('{"a":1}', '1.2'));
  });
});
