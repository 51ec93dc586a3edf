import { defineEvent } from 'evforge';

/**
 * Microsoft-Windows-NTLM/Operational, event 8002: "NTLM server blocked audit: Audit Incoming NTLM
 * Traffic that would be blocked".
 *
 * The "NTLM Logon" detection is derived from SigmaHQ rule 98c3bcf1-56f2-49dc-9d8d-c66cf190238b by
 * Florian Roth (Nextron Systems), licensed under the Detection Rule License (DRL) 1.1:
 * https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/windows/builtin/ntlm/win_susp_ntlm_auth.yml
 */
export default defineEvent({
  name: 'ntlm-8002',
  schemaVersion: '1.7.0',
  title: 'NTLM server blocked audit',
  description:
    'Audit Incoming NTLM Traffic that would be blocked: an NTLM authentication request to this server that would be refused if "Network Security: Restrict NTLM: Incoming NTLM Traffic" were set to deny all (domain) accounts.',
  provider: { name: 'Microsoft-Windows-NTLM', guid: '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}' },
  channel: 'Microsoft-Windows-NTLM/Operational',
  eventId: 8002,
  version: 0,
  level: 4,
  task: { value: 2, name: 'Auditing NTLM' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x8000000000000000',
  message: [
    'NTLM server blocked audit: Audit Incoming NTLM Traffic that would be blocked',
    'Calling process PID: %1',
    'Calling process name: %2',
    'Calling process LUID: %3',
    'Calling process user identity: %4',
    'Calling process domain identity: %5',
    'Mechanism OID: %6',
    '',
    'Audit NTLM authentication requests to this server that would be blocked if the security policy Network Security: Restrict NTLM: Incoming NTLM Traffic is set to Deny all accounts or Deny all domain accounts.',
    '',
    'If you want this server to allow NTLM authentication, set the security policy Network Security: Restrict NTLM: Incoming NTLM Traffic to Allow all.',
  ].join('\n'),
  dataset: 'windows.ntlm',
  ecs: { category: ['authentication'], type: ['info'], action: 'ntlm-server-blocked-audit' },
  fields: [
    {
      name: 'CallerPID',
      type: 'UInt32',
      description: 'PID of the process that called NTLM authentication.',
      aliases: ['Calling_process_PID'],
      ecs: ['process.pid'],
      examples: [720],
    },
    {
      name: 'ProcessName',
      type: 'UnicodeString',
      description: 'Path of the calling process.',
      aliases: ['Calling_process_name'],
      ecs: ['process.executable', { field: 'process.name', derive: 'basename' }],
      examples: ['C:\\Windows\\System32\\lsass.exe'],
    },
    {
      name: 'ClientLUID',
      type: 'HexInt64',
      description: 'Logon session (LUID) of the calling process, in hex.',
      aliases: ['Calling_process_LUID'],
      ecs: ['winlog.logon.id'],
      examples: ['0x3e4'],
    },
    {
      name: 'ClientUserName',
      type: 'UnicodeString',
      description: 'Account name of the calling process.',
      aliases: ['Calling_process_user_identity'],
      nullTokens: ['-'],
      ecs: ['user.name', 'related.user'],
      examples: ['LAB-WIN11$'],
    },
    {
      name: 'ClientDomainName',
      type: 'UnicodeString',
      description: 'Domain of the calling process account.',
      aliases: ['Calling_process_domain_identity'],
      nullTokens: ['-'],
      ecs: ['user.domain'],
      examples: ['WORKGROUP'],
    },
    {
      name: 'MechanismOID',
      type: 'UnicodeString',
      description: 'OID of the security mechanism negotiated by SPNEGO; "(NULL)" when NTLM was called directly.',
      aliases: ['Mechanism_OID'],
      nullTokens: ['(NULL)'],
      examples: ['1.3.6.1.4.1.311.2.2.10'],
    },
  ],
  detections: [
    {
      id: '98c3bcf1-56f2-49dc-9d8d-c66cf190238b',
      name: 'win_susp_ntlm_auth', // SigmaHQ's file name for this rule
      title: 'NTLM Logon',
      status: 'test',
      description: 'Detects logons using NTLM, which could be caused by a legacy source or attackers',
      references: ['https://twitter.com/JohnLaTwC/status/1004895028995477505'],
      author: 'Florian Roth (Nextron Systems)',
      date: '2018-06-08',
      modified: '2024-07-22',
      tags: ['attack.lateral-movement', 'attack.t1550.002'],
      license: 'DRL-1.1',
      source: {
        url: 'https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/windows/builtin/ntlm/win_susp_ntlm_auth.yml',
        note: 'SigmaHQ rule, unmodified detection logic',
      },
      logsource: {
        product: 'windows',
        service: 'ntlm',
        definition: 'Requires events from Microsoft-Windows-NTLM/Operational',
      },
      detection: {
        selection: { EventID: 8002 },
        condition: 'selection',
      },
      falsepositives: ['Legacy hosts'],
      level: 'low',
      tests: {
        positives: [
          { name: 'seed event (system shape)', file: 'events/ntlm-8002.json' },
          { name: 'Winlogbeat shape', file: 'events/ntlm-8002-winlogbeat.json' },
          { name: 'older field names', file: 'events/ntlm-8002-legacy-names.json' },
        ],
        negatives: [
          {
            name: 'event 8002 of another provider in the Application log',
            event: {
              system: {
                provider: 'Contoso-Backup',
                event_id: 8002,
                level: 4,
                time_created: '2026-03-12T03:00:00.000000+00:00',
                event_record_id: 77,
                channel: 'Application',
                computer: 'LAB-WIN11',
              },
              event_data: { ProcessName: 'C:\\Program Files\\Contoso\\backup.exe' },
              message: 'Backup job 8002 finished',
            },
          },
          {
            name: 'event 8001 in the NTLM channel (outgoing audit)',
            event: {
              system: {
                provider: 'Microsoft-Windows-NTLM',
                guid: 'AC43300D-5FCC-4800-8E99-1BD3F85F0320',
                event_id: 8001,
                level: 4,
                time_created: '2026-03-12T03:01:00.000000+00:00',
                event_record_id: 1106,
                channel: 'Microsoft-Windows-NTLM/Operational',
                computer: 'LAB-WIN11',
              },
              event_data: { TargetName: 'cifs/fileserver', ProcessName: 'C:\\Windows\\explorer.exe' },
              message: '',
            },
          },
        ],
      },
    },
  ],
});
