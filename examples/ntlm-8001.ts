import { defineEvent } from 'evforge';

/**
 * Microsoft-Windows-NTLM/Operational, event 8001: "NTLM client blocked audit: Audit outgoing NTLM
 * authentication traffic that would be blocked". Fields and types follow event 4001 (the blocking
 * twin of this audit event) in the provider's manifest.
 *
 * The "Potential Remote Desktop Connection to Non-Domain Host" detection is SigmaHQ rule
 * ce5678bb-b9aa-4fb5-be4b-e57f686256ad by James Pemberton, licensed under the Detection Rule
 * License (DRL) 1.1:
 * https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/windows/builtin/ntlm/win_susp_ntlm_rdp.yml
 */
export default defineEvent({
  name: 'ntlm-8001',
  schemaVersion: '1.5.0',
  title: 'NTLM client blocked audit',
  description:
    'Audit outgoing NTLM authentication traffic that would be blocked: this computer used NTLM to authenticate to a remote server, which would be refused if "Network Security: Restrict NTLM: Outgoing NTLM traffic to remote servers" were set to deny all.',
  provider: { name: 'Microsoft-Windows-NTLM', guid: '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}' },
  channel: 'Microsoft-Windows-NTLM/Operational',
  eventId: 8001,
  version: 0,
  level: 4,
  task: { value: 2, name: 'Auditing NTLM' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x8000000000000000',
  message: [
    'NTLM client blocked audit: Audit outgoing NTLM authentication traffic that would be blocked.',
    'Target server: %1',
    'Supplied user: %2',
    'Supplied domain: %3',
    'PID of client process: %4',
    'Name of client process: %5',
    'LUID of client process: %6',
    'User identity of client process: %7',
    'Domain name of user identity of client process: %8',
    'Mechanism OID: %9',
    '',
    'Audit the NTLM authentication requests from this computer that would be blocked by the target server %1 if the security policy Network Security: Restrict NTLM: Outgoing NTLM traffic to remote servers is set to Deny all.',
    '',
    'If you want all servers to accept NTLM authentication requests from this computer, set the security policy Network Security: Restrict NTLM: Outgoing NTLM traffic to remote servers to Allow all.',
    '',
    'If you want only the target server %1 to accept NTLM authentication requests from this computer, set the security policy Network Security: Restrict NTLM: Outgoing NTLM traffic to remote servers to Deny all, and then set the security policy Network Security: Restrict NTLM: Add remote server exceptions and list the target server %1 as an exception to use NTLM authentication.',
  ].join('\n'),
  dataset: 'windows.ntlm',
  ecs: { category: ['authentication'], type: ['info'], action: 'ntlm-client-blocked-audit' },
  fields: [
    {
      name: 'TargetName',
      type: 'UnicodeString',
      description: 'Service principal of the remote server NTLM authenticated to, e.g. "TERMSRV/host" or "cifs/fileserver".',
      nullTokens: ['(NULL)'],
      examples: ['TERMSRV/WIN-SRV01'],
    },
    {
      name: 'UserName',
      type: 'UnicodeString',
      description: 'Account whose credentials were supplied.',
      nullTokens: ['(NULL)', '-'],
      ecs: ['user.name', 'related.user'],
      examples: ['alice'],
    },
    {
      name: 'DomainName',
      type: 'UnicodeString',
      description: 'Domain of the supplied account.',
      nullTokens: ['(NULL)', '-'],
      ecs: ['user.domain'],
      examples: ['CONTOSO'],
    },
    {
      name: 'CallerPID',
      type: 'UInt32',
      description: 'PID of the client process that called NTLM.',
      ecs: ['process.pid'],
      examples: [4612],
    },
    {
      name: 'ProcessName',
      type: 'UnicodeString',
      description: 'Path of the client process.',
      ecs: ['process.executable', { field: 'process.name', derive: 'basename' }],
      examples: ['C:\\Windows\\System32\\mstsc.exe'],
    },
    {
      name: 'ClientLUID',
      type: 'HexInt64',
      description: 'Logon session (LUID) of the client process, in hex.',
      ecs: ['winlog.logon.id'],
      examples: ['0x5a3f1'],
    },
    {
      name: 'ClientUserName',
      type: 'UnicodeString',
      description: 'Account the client process runs as.',
      nullTokens: ['(NULL)', '-'],
      ecs: ['related.user'],
      examples: ['alice'],
    },
    {
      name: 'ClientDomainName',
      type: 'UnicodeString',
      description: 'Domain of the account the client process runs as.',
      nullTokens: ['(NULL)', '-'],
      examples: ['CONTOSO'],
    },
    {
      name: 'MechanismOID',
      type: 'UnicodeString',
      description: 'OID of the security mechanism negotiated by SPNEGO; "(NULL)" when NTLM was called directly.',
      nullTokens: ['(NULL)'],
      examples: ['1.3.6.1.4.1.311.2.2.10'],
    },
  ],
  detections: [
    {
      id: 'ce5678bb-b9aa-4fb5-be4b-e57f686256ad',
      name: 'win_susp_ntlm_rdp', // SigmaHQ's file name for this rule
      title: 'Potential Remote Desktop Connection to Non-Domain Host',
      status: 'test',
      description: 'Detects logons using NTLM to hosts that are potentially not part of the domain.',
      references: ['n/a'],
      author: 'James Pemberton',
      date: '2020-05-22',
      modified: '2021-11-27',
      tags: ['attack.command-and-control', 'attack.t1219.002'],
      license: 'DRL-1.1',
      source: {
        url: 'https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/windows/builtin/ntlm/win_susp_ntlm_rdp.yml',
        note: 'SigmaHQ rule, unmodified detection logic',
      },
      logsource: {
        product: 'windows',
        service: 'ntlm',
        definition: 'Requires events from Microsoft-Windows-NTLM/Operational',
      },
      detection: {
        selection: { EventID: 8001, 'TargetName|startswith': 'TERMSRV' },
        condition: 'selection',
      },
      falsepositives: [
        'Host connections to valid domains, exclude these.',
        'Host connections not using host FQDN.',
        'Host connections to external legitimate domains.',
      ],
      level: 'medium',
      tests: {
        positives: [
          { name: 'RDP to a host (system shape)', file: 'events/ntlm-8001.json' },
          { name: 'RDP to a host (Winlogbeat shape)', file: 'events/ntlm-8001-winlogbeat.json' },
        ],
        negatives: [
          { name: 'NTLM to a file server', file: 'events/ntlm-8001-cifs.json' },
          {
            name: 'event 8002 with a TERMSRV-like process in the same channel',
            event: {
              system: {
                provider: 'Microsoft-Windows-NTLM',
                event_id: 8002,
                level: 4,
                time_created: '2026-03-12T03:05:00.000000+00:00',
                event_record_id: 1120,
                channel: 'Microsoft-Windows-NTLM/Operational',
                computer: 'LAB-WIN11',
              },
              event_data: { ProcessName: 'TERMSRV.exe' },
              message: '',
            },
          },
        ],
      },
    },
  ],
});
