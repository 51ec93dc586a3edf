import { defineEvent } from 'evforge';

/**
 * Microsoft-Windows-NTLM/Operational, event 8004 of Microsoft-Windows-Security-Netlogon (message
 * 0xb0001f44 of netlogon.dll): "Domain Controller Blocked Audit: Audit NTLM authentication to this
 * domain controller". Same channel, another provider: the pipeline tells it from the NTLM
 * provider's events by provider and event id.
 *
 * The "NTLM Brute Force" detection is SigmaHQ rule 9c8acf1a-cbf9-4db6-b63c-74baabe03e59 by Jerry
 * Shockley '@jsh0x', licensed under the Detection Rule License (DRL) 1.1:
 * https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/windows/builtin/ntlm/win_susp_ntlm_brute_force.yml
 */
export default defineEvent({
  name: 'ntlm-8004',
  schemaVersion: '1.5.0',
  title: 'Domain controller blocked audit',
  description:
    'Audit NTLM authentication to this domain controller: NTLM authentication of a domain account through a secure channel that would be refused if "Network Security: Restrict NTLM: NTLM authentication in this domain" denied it.',
  provider: { name: 'Microsoft-Windows-Security-Netlogon', guid: '{E5BA83F6-07D0-46B1-8BC7-7E669A1D31DC}' },
  channel: 'Microsoft-Windows-NTLM/Operational',
  eventId: 8004,
  version: 0,
  level: 4,
  task: { value: 2, name: 'Auditing NTLM' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x8000000000000000',
  message: [
    'Domain Controller Blocked Audit: Audit NTLM authentication to this domain controller.',
    'Secure Channel name: %1',
    'User name: %2',
    'Domain name: %3',
    'Workstation name: %4',
    'Secure Channel type: %5',
    '',
    'Audit NTLM authentication requests within the domain %3 that would be blocked if the security policy Network Security: Restrict NTLM: NTLM authentication in this domain is set to any of the Deny options.',
    '',
    'If you want to allow NTLM authentication requests in the domain %3, set the security policy Network Security: Restrict NTLM: NTLM authentication in this domain to Disabled.',
    '',
    'If you want to allow NTLM authentication requests to specific servers in the domain %3, set the security policy Network Security: Restrict NTLM: NTLM authentication in this domain to Deny for domain servers or Deny domain accounts to domain servers, and then set the security policy Network Security: Restrict NTLM: Add server exceptions in this domain to define a list of servers in the domain %3 to which clients are allowed to use NTLM authentication.',
  ].join('\n'),
  dataset: 'windows.ntlm',
  ecs: { category: ['authentication'], type: ['info'], action: 'ntlm-dc-blocked-audit' },
  fields: [
    {
      name: 'SChannelName',
      type: 'UnicodeString',
      description: 'Name of the secure channel the request came through (usually the client computer).',
      examples: ['WS042'],
    },
    {
      name: 'UserName',
      type: 'UnicodeString',
      description: 'Account that authenticated.',
      nullTokens: ['NULL', '(NULL)', '-'],
      ecs: ['user.name', 'related.user'],
      examples: ['carol'],
    },
    {
      name: 'DomainName',
      type: 'UnicodeString',
      description: 'Domain of the account; often "NULL".',
      nullTokens: ['NULL', '(NULL)', '-'],
      ecs: ['user.domain'],
      examples: ['CONTOSO'],
    },
    {
      name: 'WorkstationName',
      type: 'UnicodeString',
      description: 'Workstation name the client sent; brute-force tools send fixed names (Rdesktop, Remmina, …).',
      nullTokens: ['NULL', '(NULL)', '-'],
      ecs: ['source.domain'],
      examples: ['WS042'],
    },
    {
      name: 'SChannelType',
      type: 'UInt32',
      description: 'Secure channel type (2 = workstation, 4 = domain controller, …).',
      examples: [2],
    },
  ],
  detections: [
    {
      id: '9c8acf1a-cbf9-4db6-b63c-74baabe03e59',
      name: 'win_susp_ntlm_brute_force', // SigmaHQ's file name for this rule
      title: 'NTLM Brute Force',
      status: 'test',
      description: 'Detects common NTLM brute force device names',
      references: ['https://www.varonis.com/blog/investigate-ntlm-brute-force'],
      author: "Jerry Shockley '@jsh0x'",
      date: '2022-02-02',
      tags: ['attack.credential-access', 'attack.t1110'],
      license: 'DRL-1.1',
      source: {
        url: 'https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/windows/builtin/ntlm/win_susp_ntlm_brute_force.yml',
        note: 'SigmaHQ rule, unmodified detection logic',
      },
      logsource: {
        product: 'windows',
        service: 'ntlm',
        definition: 'Requires events from Microsoft-Windows-NTLM/Operational',
      },
      detection: {
        selection: { EventID: 8004 },
        devicename: {
          WorkstationName: ['Rdesktop', 'Remmina', 'Freerdp', 'Windows7', 'Windows8', 'Windows2012', 'Windows2016', 'Windows2019'],
        },
        condition: 'selection and devicename',
      },
      falsepositives: ['Systems with names equal to the spoofed ones used by the brute force tools'],
      level: 'medium',
      tests: {
        positives: [
          { name: 'Remmina workstation name (system shape)', file: 'events/ntlm-8004.json' },
          { name: 'Freerdp workstation name (Winlogbeat shape)', file: 'events/ntlm-8004-winlogbeat.json' },
        ],
        negatives: [
          { name: 'an ordinary workstation', file: 'events/ntlm-8004-ordinary.json' },
          {
            name: 'event 8004 of another provider in the Application log',
            event: {
              system: {
                provider: 'Contoso-Sync',
                event_id: 8004,
                level: 4,
                time_created: '2026-03-12T04:00:00.000000+00:00',
                event_record_id: 9,
                channel: 'Application',
                computer: 'DC01',
              },
              event_data: { WorkstationName: 'Remmina' },
              message: '',
            },
          },
        ],
      },
    },
  ],
});
