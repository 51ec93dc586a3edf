import assert from 'node:assert/strict';
import YAML from 'yaml';
import { compileViews, markdownCell, markdownCode, yamlBlock, yamlScalar } from '../../../src/render/handlebars.ts';

const hostile = [
  'plain',
  '2018-06-08',
  'yes',
  'a: #b',
  '- dash',
  '{{x}}',
  '"double" \'single\'',
  'line\nbreak',
  'tab\there',
  'C:\\Windows\\System32',
  'unicode é 😀',
  'ls\u2028ps\u2029nel\u0085',
  '',
  ' leading space',
  '#comment',
  '@at',
  '`tick`',
];

describe('format-aware template helpers', () => {
  for (const value of hostile) {
    it(`yaml ${JSON.stringify(value)} reads back identically under YAML 1.1 and 1.2, on one line`, () => {
      const text = `k: ${yamlScalar(value)}\n`;
      assert.equal(text.split('\n').length, 2, 'one line');
      for (const version of ['1.1', '1.2'] as const) assert.deepEqual(YAML.parse(text, { version }), { k: value });
    });
  }

  it('yamlBlock nests under a key at the given indent', () => {
    const text = `root:\n${yamlBlock({ a: ['x', 'y: z'], b: { c: 1 } }, 4)}\n`;
    assert.deepEqual(YAML.parse(text), { root: { a: ['x', 'y: z'], b: { c: 1 } } });
  });

  it('markdown cells cannot add cells, lines or markup', () => {
    const cell = markdownCell('a | b\nc *d* <e> `f`');
    assert.equal(cell, 'a \\| b<br>c \\*d\\* \\<e\\> \\`f\\`');
    assert.equal(markdownCode('a`b'), '``a`b``');
  });

  it('the environment is strict: a missing value is an error, not an empty string', () => {
    const t = compileViews({ t: 'x={{missing}}' })['t']!;
    assert.throws(() => t({}), /missing/);
  });

  it('the environment does not HTML-escape', () => {
    const t = compileViews({ t: '{{v}}' })['t']!;
    assert.equal(t({ v: '<a & "b">' }), '<a & "b">');
  });
});
