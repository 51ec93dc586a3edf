import { defineEvent } from 'evforge';

/**
 * Microsoft-Windows-Eventlog event 1102 (version 0), "The audit log was cleared", written in the
 * Security log with its data in `<UserData><LogFileCleared>` rather than `<EventData>`. Imported by
 * `evforge import` from Microsoft-Windows-Eventlog.log-cleared.man (test/fixtures/windows/manifests/);
 * by hand from Windows' own events: the keywords (Audit Success, in the Security channel: 0x4000…),
 * descriptions, ECS targets and the rule, SigmaHQ's "Security Eventlog Cleared".
 */
export default defineEvent({
  name: 'eventlog-1102',
  schemaVersion: '1.1.0',
  title: 'The audit log was cleared',
  description: 'The Security log was cleared: who cleared it (the account, its domain, its logon session).',
  provider: { name: 'Microsoft-Windows-Eventlog', guid: '{FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148}' },
  channel: 'Security',
  eventId: 1102,
  version: 0,
  level: 4,
  task: { value: 104, name: 'Log clear' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x4020000000000000',
  message: [
    'The audit log was cleared.',
    'Subject:',
    '\tSecurity ID:\t%1',
    '\tAccount Name:\t%2',
    '\tDomain Name:\t%3',
    '\tLogon ID:\t%4',
  ].join('\n'),
  dataset: 'windows.security',
  ecs: { category: ['iam'], type: ['admin', 'change'], action: 'audit-log-cleared' },
  userData: { element: 'LogFileCleared', namespace: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' },
  fields: [
    { name: 'SubjectUserSid', type: 'SID', description: 'Security ID of the account that cleared the log (Subject).', ecs: ['user.id'] },
    { name: 'SubjectUserName', type: 'UnicodeString', description: 'Account that cleared the log (Subject).', ecs: ['user.name', 'related.user'], examples: ['dadmin'] },
    { name: 'SubjectDomainName', type: 'UnicodeString', description: 'Domain of the account that cleared the log (Subject).', ecs: ['user.domain'] },
    { name: 'SubjectLogonId', type: 'HexInt64', description: 'Logon ID of the session that cleared the log (Subject).', ecs: ['winlog.logon.id'], examples: ['0x55cd1d'] },
  ],
  detections: [
    {
      id: 'd99b79d2-0a6f-4f46-ad8b-260b6e17f982',
      name: 'win_security_audit_log_cleared',
      title: 'Security Eventlog Cleared',
      status: 'test',
      description: 'One of the Windows Eventlogs has been cleared. e.g. caused by "wevtutil cl" command execution',
      references: [
        'https://twitter.com/deviouspolack/status/832535435960209408',
        'https://www.hybrid-analysis.com/sample/027cc450ef5f8c5f653329641ec1fed91f694e0d229928963b30f6b0d7d3a745?environmentId=100',
        'https://github.com/Azure/Azure-Sentinel/blob/f99542b94afe0ad2f19a82cc08262e7ac8e1428e/Detections/SecurityEvent/SecurityEventLogCleared.yaml',
      ],
      author: 'Florian Roth (Nextron Systems)',
      date: '2017-01-10',
      modified: '2022-02-24',
      tags: ['attack.defense-evasion', 'attack.t1070.001', 'car.2016-04-002'],
      license: 'DRL-1.1',
      source: {
        url: 'https://github.com/SigmaHQ/sigma/blob/12461dd1486456d49269475caa846b78f5585d7a/rules/windows/builtin/security/win_security_audit_log_cleared.yml',
        note: 'the detection unmodified; the tactic tag written with a dash, as Sigma writes tactics now; its `related` (the two rules it obsoletes) left out',
      },
      logsource: { product: 'windows', service: 'security' },
      detection: {
        selection_517: { EventID: 517, Provider_Name: 'Security' },
        selection_1102: { EventID: 1102, Provider_Name: 'Microsoft-Windows-Eventlog' },
        condition: '1 of selection_*',
      },
      falsepositives: [
        'Rollout of log collection agents (the setup routine often includes a reset of the local Eventlog)',
        'System provisioning (system reset before the golden image creation)',
      ],
      level: 'high',
      tests: {
        positives: [
          { name: 'the Security log cleared (system shape)', file: 'events/eventlog-1102.json' },
          { name: 'the Security log cleared (Winlogbeat shape)', file: 'events/eventlog-1102-winlogbeat.json' },
        ],
        negatives: [
          { name: 'a logon (4624)', file: 'events/security-auditing-4624.json' },
          { name: 'event 1102 of another provider', event: { system: { provider: 'Contoso-Audit', event_id: 1102, channel: 'Security' }, event_data: { SubjectUserName: 'dadmin' } } },
        ],
      },
    },
  ],
});
