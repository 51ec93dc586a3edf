import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { RenderError, checkYaml } from '../../../src/render/serialize.ts';

// The read-back check every generated Sigma file passes before it is written: it reads the YAML
// under 1.2 always and under 1.1 (PyYAML, so pySigma) whenever a plain scalar could be typed
// differently there. These cases are YAML that a careless template could emit.
const sigmaText = readFileSync(new URL('../../../mappings/windows.ntlm/sigma/win_susp_ntlm_auth.yml', import.meta.url), 'utf8');

describe('the generated YAML read-back check', () => {
  it('passes the committed NTLM rule', () => {
    assert.doesNotThrow(() => checkYaml('sigma/win_susp_ntlm_auth.yml', sigmaText, YAML.parse(sigmaText)));
  });

  const cases: [string, string, unknown, RegExp][] = [
    ['a 1.1 boolean left plain', 'a: yes\n', { a: 'yes' }, /under YAML 1\.1/],
    ['a date left plain', 'd: 2026-01-01\n', { d: '2026-01-01' }, /under YAML 1\.1/],
    ['a leading-zero number left plain', 'n: 0777\n', { n: '0777' }, /under YAML 1\.2/],
    ['a sexagesimal number left plain', 't: 1:20\n', { t: '1:20' }, /under YAML 1\.1/],
    ['an underscore number left plain', 'n: 1_000\n', { n: '1_000' }, /under YAML 1\.1/],
    ['a quoted value with a 1.1-only tag', "d: !!timestamp '2026-01-01'\n", { d: '2026-01-01' }, /YAML 1\.[12]/],
    ['a 1.2 octal left plain', 'n: 0o17\n', { n: '0o17' }, /under YAML 1\.2/],
    ['a value that broke out of its scalar', 'title: a\nlevel: high\n', { title: 'a\nlevel: high' }, /under YAML 1\.2/],
    ['a duplicate key', 'a: 1\na: 2\n', { a: 2 }, /does not parse \(YAML 1\.2\)/],
  ];
  for (const [what, text, rule, message] of cases) {
    it(`refuses ${what}`, () => {
      assert.throws(() => checkYaml('rule.yml', text, rule), (err: unknown) => err instanceof RenderError && message.test(err.message) && err.message.startsWith('rule.yml: '));
    });
  }
});
