import { defineTable } from 'evforge';

/**
 * Lookup tables of Windows values that several Security definitions share: each is defined once
 * here, imported by the definitions whose fields use it, and written once in the data stream's
 * pipeline (its params), whatever the number of definitions that use it.
 *
 * Sources (the values and texts are Windows' own):
 * - logon types: Microsoft's documentation of event 4624, "Logon types and descriptions"
 *   (learn.microsoft.com …/auditing/event-4624);
 * - logon status codes: Microsoft's documentation of events 4625 and 4776 ("Windows logon status
 *   codes", "Winlogon Error Codes");
 * - audit subcategories (the Security log's task names) and `%%nnnn` strings: msobjs.dll, the Security-Auditing provider's parameter message file, as
 *   Windows 10 (10.0.17763 to 10.0.19041) carries it (libyal/winevt-kb, MessageFile-msobjs.dll):
 *   `%%n` is message n of that file (%%1833 is message 0x729).
 */

/** LogonType → its name (`winlog.logon.type`, as Winlogbeat and Elastic's pipeline write it). */
export const logonTypes = defineTable('windows.logon_types', {
  '0': 'System',
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
  '12': 'CachedRemoteInteractive',
  '13': 'CachedUnlock',
});

/** An NTSTATUS code of a failed logon or credential validation (Status, SubStatus) → what it means. */
export const logonStatus = defineTable('windows.logon_status', {
  '0xC000005E': 'There are currently no logon servers available to service the logon request.',
  '0xC0000064': 'User logon with misspelled or bad user account',
  '0xC000006A': 'User logon with misspelled or bad password',
  '0xC000006D': 'This is either due to a bad username or authentication information',
  '0xC000006E': 'Unknown user name or bad password.',
  '0xC000006F': 'User logon outside authorized hours',
  '0xC0000070': 'User logon from unauthorized workstation',
  '0xC0000071': 'User logon with expired password',
  '0xC0000072': 'User logon to account disabled by administrator',
  '0xC00000DC': 'Indicates the Sam Server was in the wrong state to perform the desired operation.',
  '0xC0000133': 'Clocks between DC and other computer too far out of sync',
  '0xC000015B': 'The user has not been granted the requested logon type (aka logon right) at this machine',
  '0xC000018C': 'The logon request failed because the trust relationship between the primary domain and the trusted domain failed.',
  '0xC0000192': 'An attempt was made to logon, but the Netlogon service was not started.',
  '0xC0000193': 'User logon with expired account',
  '0xC0000224': 'User is required to change password at next logon',
  '0xC0000225': 'Evidently a bug in Windows and not a risk',
  '0xC0000234': 'User logon with account locked',
  '0xC00002EE': 'Failure Reason: An Error occurred during Logon',
  '0xC0000371': 'The local account store does not contain secret material for the specified account.',
  '0xC0000413': 'Logon Failure: The machine you are logging onto is protected by an authentication firewall. The specified account is not allowed to authenticate to the machine.',
});

/** A `%%nnnn` insert of the Security log (FailureReason, ImpersonationLevel, VirtualAccount, ElevatedToken) → its text. */
export const securityMessages = defineTable('windows.security_messages', {
  '%%1832': 'Identification',
  '%%1833': 'Impersonation',
  '%%1840': 'Delegation',
  '%%1841': 'Denied by Process Trust Label ACE',
  '%%1842': 'Yes',
  '%%1843': 'No',
  '%%2304': 'An Error occured during Logon.',
  '%%2305': 'The specified user account has expired.',
  '%%2306': 'The NetLogon component is not active.',
  '%%2307': 'Account locked out.',
  '%%2308': 'The user has not been granted the requested logon type at this machine.',
  '%%2309': "The specified account's password has expired.",
  '%%2310': 'Account currently disabled.',
  '%%2311': 'Account logon time restriction violation.',
  '%%2312': 'User not allowed to logon at this computer.',
  '%%2313': 'Unknown user name or bad password.',
  '%%2314': 'Domain sid inconsistent.',
  '%%2315': 'Smartcard logon is required and was not used.',
});

/**
 * A Security-Auditing task number → its name: the audit subcategory that logged the event (msobjs.dll
 * messages 0x3000 to 0x3803). Security-Auditing logs an event under the subcategory that audited it,
 * so one event id comes with several task numbers (4625 under Logon or Account Lockout).
 */
export const auditSubcategories = defineTable('windows.audit_subcategories', {
  '12288': 'Security State Change',
  '12289': 'Security System Extension',
  '12290': 'System Integrity',
  '12291': 'IPsec Driver',
  '12292': 'Other System Events',
  '12544': 'Logon',
  '12545': 'Logoff',
  '12546': 'Account Lockout',
  '12547': 'IPsec Main Mode',
  '12548': 'Special Logon',
  '12549': 'IPsec Quick Mode',
  '12550': 'IPsec Extended Mode',
  '12551': 'Other Logon/Logoff Events',
  '12552': 'Network Policy Server',
  '12553': 'User / Device Claims',
  '12554': 'Group Membership',
  '12800': 'File System',
  '12801': 'Registry',
  '12802': 'Kernel Object',
  '12803': 'SAM',
  '12804': 'Other Object Access Events',
  '12805': 'Certification Services',
  '12806': 'Application Generated',
  '12807': 'Handle Manipulation',
  '12808': 'File Share',
  '12809': 'Filtering Platform Packet Drop',
  '12810': 'Filtering Platform Connection',
  '12811': 'Detailed File Share',
  '12812': 'Removable Storage',
  '12813': 'Central Policy Staging',
  '13056': 'Sensitive Privilege Use',
  '13057': 'Non Sensitive Privilege Use',
  '13058': 'Other Privilege Use Events',
  '13312': 'Process Creation',
  '13313': 'Process Termination',
  '13314': 'DPAPI Activity',
  '13315': 'RPC Events',
  '13316': 'Plug and Play Events',
  '13317': 'Token Right Adjusted Events',
  '13568': 'Audit Policy Change',
  '13569': 'Authentication Policy Change',
  '13570': 'Authorization Policy Change',
  '13571': 'MPSSVC Rule-Level Policy Change',
  '13572': 'Filtering Platform Policy Change',
  '13573': 'Other Policy Change Events',
  '13824': 'User Account Management',
  '13825': 'Computer Account Management',
  '13826': 'Security Group Management',
  '13827': 'Distribution Group Management',
  '13828': 'Application Group Management',
  '13829': 'Other Account Management Events',
  '14080': 'Directory Service Access',
  '14081': 'Directory Service Changes',
  '14082': 'Directory Service Replication',
  '14083': 'Detailed Directory Service Replication',
  '14336': 'Credential Validation',
  '14337': 'Kerberos Service Ticket Operations',
  '14338': 'Other Account Logon Events',
  '14339': 'Kerberos Authentication Service',
});
