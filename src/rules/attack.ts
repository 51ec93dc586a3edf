/**
 * MITRE ATT&CK Enterprise names, bundled: nothing is fetched at run time. Tactic slugs are the
 * Sigma v2 tag spelling (`attack.lateral-movement`).
 * @see https://attack.mitre.org/tactics/enterprise/
 * @see https://github.com/SigmaHQ/sigma-specification/blob/main/specification/sigma-appendix-tags.md
 */
export interface Tactic {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
}

export const ATTACK_TACTICS: readonly Tactic[] = [
  { id: 'TA0043', name: 'Reconnaissance', slug: 'reconnaissance' },
  { id: 'TA0042', name: 'Resource Development', slug: 'resource-development' },
  { id: 'TA0001', name: 'Initial Access', slug: 'initial-access' },
  { id: 'TA0002', name: 'Execution', slug: 'execution' },
  { id: 'TA0003', name: 'Persistence', slug: 'persistence' },
  { id: 'TA0004', name: 'Privilege Escalation', slug: 'privilege-escalation' },
  { id: 'TA0005', name: 'Defense Evasion', slug: 'defense-evasion' },
  { id: 'TA0006', name: 'Credential Access', slug: 'credential-access' },
  { id: 'TA0007', name: 'Discovery', slug: 'discovery' },
  { id: 'TA0008', name: 'Lateral Movement', slug: 'lateral-movement' },
  { id: 'TA0009', name: 'Collection', slug: 'collection' },
  { id: 'TA0011', name: 'Command and Control', slug: 'command-and-control' },
  { id: 'TA0010', name: 'Exfiltration', slug: 'exfiltration' },
  { id: 'TA0040', name: 'Impact', slug: 'impact' },
];

/** Techniques evforge's bundled events refer to, and common neighbours; others keep their id as name. */
export const ATTACK_TECHNIQUES: Readonly<Record<string, { readonly name: string; readonly tactics: readonly string[] }>> = {
  T1021: { name: 'Remote Services', tactics: ['TA0008'] },
  'T1021.002': { name: 'SMB/Windows Admin Shares', tactics: ['TA0008'] },
  T1078: { name: 'Valid Accounts', tactics: ['TA0001', 'TA0003', 'TA0004', 'TA0005'] },
  T1110: { name: 'Brute Force', tactics: ['TA0006'] },
  'T1110.001': { name: 'Password Guessing', tactics: ['TA0006'] },
  'T1110.003': { name: 'Password Spraying', tactics: ['TA0006'] },
  T1187: { name: 'Forced Authentication', tactics: ['TA0006'] },
  T1219: { name: 'Remote Access Tools', tactics: ['TA0011'] },
  'T1219.002': { name: 'Remote Desktop Software', tactics: ['TA0011'] },
  T1550: { name: 'Use Alternate Authentication Material', tactics: ['TA0005', 'TA0008'] },
  'T1550.002': { name: 'Pass the Hash', tactics: ['TA0005', 'TA0008'] },
  'T1550.003': { name: 'Pass the Ticket', tactics: ['TA0005', 'TA0008'] },
  T1557: { name: 'Adversary-in-the-Middle', tactics: ['TA0006', 'TA0009'] },
  'T1557.001': { name: 'LLMNR/NBT-NS Poisoning and SMB Relay', tactics: ['TA0006', 'TA0009'] },
  T1003: { name: 'OS Credential Dumping', tactics: ['TA0006'] },
  'T1003.001': { name: 'LSASS Memory', tactics: ['TA0006'] },
};

export function tacticBySlug(slug: string): Tactic | undefined {
  return ATTACK_TACTICS.find((t) => t.slug === slug || t.slug === slug.replace(/_/g, '-'));
}

export function tacticUrl(id: string): string {
  return `https://attack.mitre.org/tactics/${id}/`;
}

export function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}
