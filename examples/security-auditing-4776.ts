import { defineEvent } from 'evforge';
import { auditSubcategories, logonStatus } from './tables/windows.ts';

/**
 * Microsoft-Windows-Security-Auditing event 4776 (version 0), "The computer attempted to validate the
 * credentials for an account" (NTLM credential validation, logged by the computer authoritative for
 * the account: a domain controller for domain accounts). Fields and types imported by `evforge
 * import` from Win10-18990.Microsoft-Windows-Security-Auditing.xml (test/fixtures/windows/manifests/),
 * with `--channel Security`; by hand from Windows' own events: the task (14336, "Credential
 * Validation"), level 0, the keywords, the message, descriptions, ECS targets and the outcome: the
 * event is a success or a failure by its Status (the Error Code), whatever its keywords say.
 */
export default defineEvent({
  name: 'security-auditing-4776',
  schemaVersion: '1.1.0',
  title: 'The computer attempted to validate the credentials for an account',
  description: 'An NTLM credential validation on the computer authoritative for the account: the account, the workstation it came from, and the error code (0x0 on success).',
  provider: { name: 'Microsoft-Windows-Security-Auditing', guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}' },
  channel: 'Security',
  eventId: 4776,
  version: 0,
  level: 0,
  task: { value: 14336, name: 'Credential Validation' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x8020000000000000',
  message: [
    'The computer attempted to validate the credentials for an account.',
    '',
    'Authentication Package:\t%1',
    'Logon Account:\t%2',
    'Source Workstation:\t%3',
    'Error Code:\t%4',
  ].join('\n'),
  dataset: 'windows.security',
  ecs: { category: ['authentication'], type: ['start'], action: 'credential-validated' },
  outcome: { field: 'Status', success: ['0x0'] },
  taskNames: 'windows.audit_subcategories',
  tables: [auditSubcategories, logonStatus],
  fields: [
    { name: 'PackageName', type: 'UnicodeString', description: 'Authentication package that validated the credentials (always MICROSOFT_AUTHENTICATION_PACKAGE_V1_0).' },
    { name: 'TargetUserName', type: 'UnicodeString', description: 'Account whose credentials were validated (Logon Account).', nullTokens: ['-'], ecs: ['user.name', 'related.user'], examples: ['dadmin'] },
    { name: 'Workstation', type: 'UnicodeString', description: 'Computer the authentication came from (Source Workstation).', nullTokens: ['-', ''], ecs: ['source.domain'], examples: ['WIN81'] },
    {
      name: 'Status',
      type: 'HexInt32',
      description: 'Error code: 0x0 on success, else the NTSTATUS code of the failure (its meaning in event.reason).',
      ecs: [{ field: 'event.reason', lookup: 'windows.logon_status' }],
      examples: ['0xc0000234', '0x0'],
    },
  ],
});
