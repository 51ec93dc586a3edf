import { defineEvent } from 'evforge';

/**
 * Microsoft-Windows-NTLM/Operational, event 8003: "NTLM server blocked in the domain audit: Audit
 * NTLM authentication in this domain that would be blocked". Logged on domain controllers; the
 * older field names (User, Domain, PID, Process, Logon_type, Mechanism) are those of earlier
 * manifests of the provider.
 */
export default defineEvent({
  name: 'ntlm-8003',
  schemaVersion: '1.5.0',
  title: 'NTLM server blocked in the domain audit',
  description:
    'Audit NTLM authentication in this domain that would be blocked: a domain controller saw NTLM pass-through authentication that would be refused if "Network Security: Restrict NTLM: NTLM authentication in this domain" denied it.',
  provider: { name: 'Microsoft-Windows-NTLM', guid: '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}' },
  channel: 'Microsoft-Windows-NTLM/Operational',
  eventId: 8003,
  version: 0,
  level: 4,
  task: { value: 2, name: 'Auditing NTLM' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x8000000000000000',
  message: [
    'NTLM server blocked in the domain audit: Audit NTLM authentication in this domain',
    'User: %1',
    'Domain: %2',
    'Workstation: %3',
    'PID: %4',
    'Process: %5',
    'Logon type: %6',
    'InProc: %7',
    'Mechanism: %8',
    '',
    'Audit NTLM authentication requests within this domain that would be blocked if the security policy Network Security: Restrict NTLM: NTLM authentication in this domain is set to Deny for domain servers or Deny domain accounts to domain servers.',
    '',
    'If you want to allow NTLM authentication requests in the domain %1, set the security policy Network Security: Restrict NTLM: NTLM authentication in this domain to Disabled.',
    '',
    'If you want to allow NTLM authentication requests to specific servers in the domain %1, set the security policy Network Security: Restrict NTLM: NTLM authentication in this domain to Deny for domain servers or Deny domain accounts to domain servers, and then set the security policy Network Security: Restrict NTLM: Add server exceptions in this domain to define a list of servers in this domain to use NTLM authentication.',
  ].join('\n'),
  dataset: 'windows.ntlm',
  ecs: { category: ['authentication'], type: ['info'], action: 'ntlm-domain-blocked-audit' },
  fields: [
    {
      name: 'UserName',
      type: 'UnicodeString',
      description: 'Account that authenticated.',
      aliases: ['User'],
      nullTokens: ['(NULL)', '-'],
      ecs: ['user.name', 'related.user'],
      examples: ['bob'],
    },
    {
      name: 'DomainName',
      type: 'UnicodeString',
      description: 'Domain of the account.',
      aliases: ['Domain'],
      nullTokens: ['(NULL)', '-'],
      ecs: ['user.domain'],
      examples: ['CONTOSO'],
    },
    {
      name: 'Workstation',
      type: 'UnicodeString',
      description: 'Workstation the authentication came from, as the client named it.',
      nullTokens: ['(NULL)', '-'],
      ecs: ['source.domain'],
      examples: ['WS042'],
    },
    {
      name: 'CallerPID',
      type: 'UInt32',
      description: 'PID of the process on the domain controller that called NTLM.',
      aliases: ['PID'],
      ecs: ['process.pid'],
      examples: [700],
    },
    {
      name: 'ProcessName',
      type: 'UnicodeString',
      description: 'Path of the calling process.',
      aliases: ['Process'],
      ecs: ['process.executable', { field: 'process.name', derive: 'basename' }],
      examples: ['C:\\Windows\\System32\\lsass.exe'],
    },
    {
      name: 'LogonType',
      type: 'UInt32',
      description: 'Logon type of the authentication (3 = network).',
      aliases: ['Logon_type'],
      examples: [3],
    },
    {
      name: 'InProc',
      type: 'Boolean',
      description: 'Whether NTLM was called in the calling process itself.',
      examples: [false],
    },
    {
      name: 'MechanismOID',
      type: 'UnicodeString',
      description: 'OID of the security mechanism negotiated by SPNEGO; "(NULL)" when NTLM was called directly.',
      aliases: ['Mechanism'],
      nullTokens: ['(NULL)'],
      examples: ['1.3.6.1.4.1.311.2.2.10'],
    },
  ],
});
