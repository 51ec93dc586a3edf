import assert from 'node:assert/strict';
import { memoryOutput, printable } from '../../../src/cli/output.ts';

// Messages quote input files: whatever steers a terminal is printed as its escape, never raw.
describe('output: control characters are escaped in every message', () => {
  it('ANSI escapes, BEL, BS, CR, DEL, C1 controls and bidirectional overrides; line breaks and tabs kept', () => {
    assert.equal(printable('a\x1b[31mred\x1b[0m\x07\x08\r\x7f\x9b\u202eevil\u2066\tend\n'), 'a\\x1b[31mred\\x1b[0m\\x07\\x08\\x0d\\x7f\\x9b\\u202eevil\\u2066\tend\n');
    assert.equal(printable('東京-PC01 Jürgen-Ω ✖ →'), '東京-PC01 Jürgen-Ω ✖ →');
  });

  it('whatever a command writes through its Output', () => {
    const o = memoryOutput();
    o.out('x\x1b]0;title\x07');
    o.err('y\x1b[2J');
    assert.deepEqual([o.stdout, o.stderr], [['x\\x1b]0;title\\x07'], ['y\\x1b[2J']]);
  });
});
