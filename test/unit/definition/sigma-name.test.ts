import assert from 'node:assert/strict';
import { sigmaNamePrefix, sigmaNameProblem, sigmaRuleName, type SigmaLogsource } from '../../../src/definition/sigma-name.ts';

describe('SigmaHQ rule names', () => {
  const cases: [string, SigmaLogsource, string, string][] = [
    ['a Windows service SigmaHQ has no prefix for takes the product prefix', { product: 'windows', service: 'ntlm' }, 'NTLM Logon', 'win_ntlm_logon'],
    ['a Windows service with its own prefix takes it', { product: 'windows', service: 'security' }, 'Remote Logon', 'win_security_remote_logon'],
    ['Sysmon rules start with sysmon_', { product: 'windows', service: 'sysmon' }, 'Sysmon Config Change', 'sysmon_config_change'],
    ['accents and punctuation become underscores', { product: 'windows', service: 'ntlm' }, 'Café: NTLM → blocked!', 'win_cafe_ntlm_blocked'],
    ['a title that already carries the prefix is not prefixed twice', { product: 'windows' }, 'Win Susp NTLM Auth', 'win_susp_ntlm_auth'],
    ['a product outside the table uses its own name', { product: 'zeek' }, 'Odd DNS Query', 'zeek_odd_dns_query'],
  ];
  for (const [name, logsource, title, expected] of cases) {
    it(`${name}: "${title}" → ${expected}`, () => {
      assert.equal(sigmaRuleName(title, logsource), expected);
      assert.equal(sigmaNameProblem(expected, logsource), undefined);
    });
  }

  it('caps a derived name at 90 characters without a trailing underscore', () => {
    const name = sigmaRuleName('Very '.repeat(40), { product: 'windows' });
    assert.ok(name.length <= 90 && !name.endsWith('_') && name.startsWith('win_very_'), name);
  });

  it('refuses names outside [a-z0-9_]{10,90} and names without the log source prefix', () => {
    const ntlm = { product: 'windows', service: 'ntlm' };
    assert.match(sigmaNameProblem('ntlm-logon', ntlm)!.message, /does not follow SigmaHQ's file name convention/);
    assert.match(sigmaNameProblem('win_short', ntlm)!.message, /does not follow/);
    assert.match(sigmaNameProblem(`win_${'x'.repeat(87)}`, ntlm)!.message, /does not follow/);
    assert.deepEqual(sigmaNameProblem('susp_ntlm_auth', ntlm), {
      message: 'rule name "susp_ntlm_auth" lacks the prefix "win_" SigmaHQ requires for log source windows/ntlm',
      hint: 'rename it, e.g. "win_susp_ntlm_auth" (`sigma check` refuses the file name otherwise)',
    });
    assert.equal(sigmaNamePrefix({ product: 'windows', service: 'security' }), 'win_security_');
    assert.ok(sigmaNameProblem('win_remote_logon', { product: 'windows', service: 'security' }));
  });
});
