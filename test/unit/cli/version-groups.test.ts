import assert from 'node:assert/strict';
import { memoryOutput } from '../../../src/cli/output.ts';
import { GROUPED_FROM, printVersionProblems } from '../../../src/cli/print-changes.ts';
import type { VersionProblem } from '../../../src/manifest/manifest.ts';

/** A change to a data stream's shared objects (its pipeline) counted for one member. */
const problem = (n: number, summary = 'processor changed'): VersionProblem => ({
  event: `security-${4600 + n}`,
  source: `defs/security-${4600 + n}.ts`,
  from: '1.0.0',
  to: '1.0.0',
  needed: 'minor',
  changes: [{ severity: 'compatible', event: `security-${4600 + n}`, engine: 'opensearch', area: 'pipeline', path: 'normalize', summary }],
});

describe('version problems of many definitions', () => {
  it('are said once when many need the same bump for the same changes, every name on short lines', () => {
    const o = memoryOutput();
    printVersionProblems([...Array.from({ length: 400 }, (_, n) => problem(n)), problem(999, 'another change')], o);
    const text = o.stderr.join('\n');
    assert.equal(text.match(/^✖ /gm)?.length, 2, text.slice(0, 500));
    assert.match(text, /^✖ 400 definitions: the generated artifacts changed \(1 compatible\) but their schemaVersions did not$/m);
    assert.match(text, /hint: give each a minor bump \(security-4600 1\.0\.0 → 1\.1\.0, security-4601 1\.0\.0 → 1\.1\.0, security-4602 1\.0\.0 → 1\.1\.0, … 397 more\)/);
    assert.equal(text.match(/processor changed/g)?.length, 1, 'the shared change is listed once');
    for (let n = 0; n < 400; n++) assert.ok(text.includes(`security-${4600 + n}`), `security-${4600 + n} named`);
    assert.ok(text.split('\n').every((l) => l.length <= 200), 'no line over 200 characters');
    assert.match(text, /^✖ security-5599: the generated artifacts changed \(1 compatible\) but schemaVersion is still 1\.0\.0$/m, 'a different change is said on its own');
  });

  it(`are said one by one below ${GROUPED_FROM}`, () => {
    const o = memoryOutput();
    printVersionProblems(Array.from({ length: GROUPED_FROM - 1 }, (_, n) => problem(n)), o);
    assert.equal(o.stderr.join('\n').match(/^✖ security-46\d\d: /gm)?.length, GROUPED_FROM - 1);
  });
});
