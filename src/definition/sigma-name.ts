/**
 * SigmaHQ's rule file names, as its checker (`sigma check`, pySigma-validators-sigmahq) enforces them:
 * `[a-z0-9_]{10,90}.yml`, starting with a prefix chosen by the log source.
 * @see https://github.com/SigmaHQ/sigma-specification/blob/main/sigmahq/sigmahq_filename_convention.md
 */

/** The name without `.yml`: 10 to 90 of lowercase letters, digits and `_`. */
export const SIGMA_NAME_PATTERN = '^[a-z0-9_]{10,90}$';

/** Prefix by product when the service has none of its own (SigmaHQ's `<product>_none_none` entries). */
const PRODUCT_PREFIXES: Readonly<Record<string, string>> = { windows: 'win_', linux: 'lnx_', macos: 'macos_', m365: 'microsoft365_' };

/** Windows services whose rules SigmaHQ names with their own prefix (its `windows_none_<service>` entries). */
const WINDOWS_SERVICE_PREFIXES: Readonly<Record<string, string>> = {
  applocker: 'win_applocker_',
  'appmodel-runtime': 'win_appmodel_runtime_',
  'appxdeployment-server': 'win_appxdeployment_server_',
  'appxpackaging-om': 'win_appxpackaging_om_',
  'bits-client': 'win_bits_client_',
  capi2: 'win_capi2_',
  'certificateservicesclient-lifecycle-system': 'win_certificateservicesclient_lifecycle_system_',
  'codeintegrity-operational': 'win_codeintegrity_',
  'diagnosis-scripted': 'win_diagnosis_scripted',
  'dns-client': 'win_dns_client',
  'dns-server': 'win_dns_server',
  'dns-server-analytic': 'win_dns_analytic_',
  'firewall-as': 'win_firewall_as_',
  ldap: 'win_ldap_',
  'lsa-server': 'win_lsa_server_',
  'msexchange-management': 'win_exchange_',
  openssh: 'win_sshd_openssh_',
  'powershell-classic': 'posh_pc_',
  security: 'win_security_',
  'security-mitigations': 'win_security_mitigations_',
  'shell-core': 'win_shell_core',
  'smbclient-connectivity': 'win_smbclient_connectivity_',
  'smbclient-security': 'win_smbclient_security_',
  sysmon: 'sysmon_',
  system: 'win_system_',
  taskscheduler: 'win_taskscheduler_',
  'terminalservices-localsessionmanager': 'win_terminalservices_',
  windefend: 'win_defender_',
  wmi: 'win_wmi_',
};

export interface SigmaLogsource {
  readonly product?: string;
  readonly service?: string;
  readonly category?: string;
}

/** The prefix SigmaHQ's checker expects for this log source (`win_` for Windows), or '' when it has none. */
export function sigmaNamePrefix(logsource: SigmaLogsource): string {
  const product = logsource.product ?? '';
  const own = product === 'windows' && !logsource.category && logsource.service ? WINDOWS_SERVICE_PREFIXES[logsource.service] : undefined;
  return own ?? PRODUCT_PREFIXES[product] ?? (/^[a-z0-9]+$/.test(product) ? `${product}_` : '');
}

/** `NTLM Logon` under windows/ntlm → `win_ntlm_logon`: the prefix, then the title in lowercase words joined by `_`. */
export function sigmaRuleName(title: string, logsource: SigmaLogsource): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const prefix = sigmaNamePrefix(logsource);
  const body = words.startsWith(prefix) ? words : `${prefix}${words}`;
  return body.slice(0, 90).replace(/_+$/, '');
}

/** Why a rule name breaks SigmaHQ's convention, or undefined when it follows it. */
export function sigmaNameProblem(name: string, logsource: SigmaLogsource): { message: string; hint: string } | undefined {
  const prefix = sigmaNamePrefix(logsource);
  const example = prefix ? `${prefix}susp_ntlm_auth` : 'susp_ntlm_auth';
  if (!new RegExp(SIGMA_NAME_PATTERN).test(name) || !name.includes('_')) {
    return {
      message: `rule name "${name}" does not follow SigmaHQ's file name convention [a-z0-9_]{10,90}`,
      hint: `use 10 to 90 lowercase letters, digits and "_"${prefix ? `, starting with "${prefix}"` : ''}, e.g. "${example}" for ${example}.yml`,
    };
  }
  if (prefix && !name.startsWith(prefix)) {
    const where = [logsource.product, logsource.category, logsource.service].filter(Boolean).join('/');
    return {
      message: `rule name "${name}" lacks the prefix "${prefix}" SigmaHQ requires for log source ${where}`,
      hint: `rename it, e.g. "${prefix}${name.replace(/^(win|lnx|macos)_/, '')}" (\`sigma check\` refuses the file name otherwise)`,
    };
  }
  return undefined;
}

/** A detection's name: the one it sets, else one derived from its title and log source. */
export function detectionName(d: { readonly name?: string; readonly title: string; readonly logsource?: SigmaLogsource }): string {
  return d.name ?? sigmaRuleName(d.title, d.logsource ?? {});
}
