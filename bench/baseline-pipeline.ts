/**
 * The baseline the generated pipeline is measured against: the same normalization of the NTLM
 * channel written the straightforward way many hand-written integrations do it, one Painless
 * script with an if/else on provider + event id and the field names in its code. The benchmark
 * checks that it produces the same documents as the generated pipeline (for the bench's valid
 * events of all four ids and the unrecognized ones) before timing it.
 */
const SOURCE = String.raw`
String NL = String.valueOf((char) 10);
Map w = ctx.containsKey('winlog') && ctx.winlog instanceof Map ? ctx.winlog : new HashMap();
if (ctx.containsKey('system') && ctx.system instanceof Map) {
  Map s = ctx.system;
  if (s.containsKey('provider')) { w.provider_name = s.remove('provider'); }
  if (s.containsKey('guid')) { w.provider_guid = '{' + s.remove('guid') + '}'; }
  if (s.containsKey('event_id')) { w.event_id = String.valueOf(s.remove('event_id')); }
  if (s.containsKey('version')) { w.version = s.remove('version'); }
  if (s.containsKey('level')) { w.level = s.remove('level'); }
  if (s.containsKey('task')) { w.task = String.valueOf(s.remove('task')); }
  if (s.containsKey('opcode')) { w.opcode = String.valueOf(s.remove('opcode')); }
  if (s.containsKey('keywords')) {
    // The channel's mask (0x8000000000000000) has no standard keyword: no names, the mask kept as Windows writes it.
    long mask = Long.parseUnsignedLong(String.valueOf(s.remove('keywords')));
    Map ev = ctx.evforge instanceof Map ? ctx.evforge : new HashMap();
    ev.keywords_mask = '0x' + Long.toHexString(mask);
    ctx.evforge = ev;
  }
  if (s.containsKey('time_created')) { w.time_created = s.remove('time_created'); }
  if (s.containsKey('event_record_id')) { w.record_id = String.valueOf(s.remove('event_record_id')); }
  if (s.correlation instanceof Map && s.correlation.containsKey('ActivityID')) { w.activity_id = '{' + s.correlation.remove('ActivityID') + '}'; }
  if (s.execution instanceof Map) {
    Map p = new HashMap();
    if (s.execution.containsKey('process_id')) { p.pid = s.execution.remove('process_id'); }
    if (s.execution.containsKey('thread_id')) { Map t = new HashMap(); t.id = s.execution.remove('thread_id'); p.thread = t; }
    if (!p.isEmpty()) { w.process = p; }
  }
  if (s.containsKey('channel')) { w.channel = s.remove('channel'); }
  if (s.containsKey('computer')) { w.computer_name = s.remove('computer'); }
  if (s.security instanceof Map && s.security.containsKey('user_id')) { Map u = new HashMap(); u.identifier = s.security.remove('user_id'); w.user = u; }
  if (s.containsKey('event_source_name')) { w.event_source_name = s.remove('event_source_name'); }
  boolean empty = true;
  for (def v : s.values()) { if (!(v instanceof Map) || !((Map) v).isEmpty()) { empty = false; } }
  if (empty) { ctx.remove('system'); }
}
if (ctx.containsKey('event_data')) { w.event_data = ctx.remove('event_data'); }
ctx.winlog = w;
Map d = w.event_data instanceof Map ? w.event_data : null;
if (d != null) {
  for (def e : d.entrySet()) { if (e.getValue() instanceof Number || e.getValue() instanceof Boolean) { e.setValue(String.valueOf(e.getValue())); } }
}

// Which event: provider (or its GUID) + event id, in the NTLM channel.
String provider = w.provider_name instanceof String ? w.provider_name.toLowerCase() : null;
if (provider == null && w.provider_guid instanceof String) {
  String g = w.provider_guid.replace('{', '').replace('}', '').toUpperCase();
  if (g == 'AC43300D-5FCC-4800-8E99-1BD3F85F0320') { provider = 'microsoft-windows-ntlm'; }
  else if (g == 'E5BA83F6-07D0-46B1-8BC7-7E669A1D31DC') { provider = 'microsoft-windows-security-netlogon'; }
}
String id = w.event_id == null ? null : String.valueOf(w.event_id);
boolean inChannel = w.channel == null || (w.channel instanceof String && w.channel.toLowerCase() == 'microsoft-windows-ntlm/operational');
String which = null;
if (inChannel && provider == 'microsoft-windows-ntlm' && (id == '8001' || id == '8002' || id == '8003')) { which = id; }
else if (inChannel && provider == 'microsoft-windows-security-netlogon' && id == '8004') { which = id; }

Map e = ctx.containsKey('event') ? ctx.event : new HashMap();
ctx.event = e;
if (which != null) {
  if (which == '8002' && d != null) {
    for (List old : [['Calling_process_PID', 'CallerPID'], ['Calling_process_name', 'ProcessName'], ['Calling_process_LUID', 'ClientLUID'], ['Calling_process_user_identity', 'ClientUserName'], ['Calling_process_domain_identity', 'ClientDomainName'], ['Mechanism_OID', 'MechanismOID']]) {
      if (d.containsKey(old.get(0)) && d.get(old.get(1)) == null) { d.put(old.get(1), d.remove(old.get(0))); }
    }
  }
  if (which == '8003' && d != null) {
    for (List old : [['User', 'UserName'], ['Domain', 'DomainName'], ['PID', 'CallerPID'], ['Process', 'ProcessName'], ['Logon_type', 'LogonType'], ['Mechanism', 'MechanismOID']]) {
      if (d.containsKey(old.get(0)) && d.get(old.get(1)) == null) { d.put(old.get(1), d.remove(old.get(0))); }
    }
  }
  if (w.task == '2') { w.task = 'Auditing NTLM'; }
  if (w.opcode == '0') { w.opcode = 'Info'; }
  e.action = which == '8001' ? 'ntlm-client-blocked-audit' : which == '8002' ? 'ntlm-server-blocked-audit' : which == '8003' ? 'ntlm-domain-blocked-audit' : 'ntlm-dc-blocked-audit';
  List cat = e.category instanceof List ? e.category : new ArrayList(); if (!cat.contains('authentication')) { cat.add('authentication'); } e.category = cat;
  List typ = e.type instanceof List ? e.type : new ArrayList(); if (!typ.contains('info')) { typ.add('info'); } e.type = typ;
}

if (e.code == null && w.event_id != null) { e.code = w.event_id; }
if (e.provider == null && w.provider_name != null) { e.provider = w.provider_name; }
if (w.computer_name != null) { if (ctx.host == null) { ctx.host = new HashMap(); } if (ctx.host.name == null) { ctx.host.name = w.computer_name; } }
if (e.kind == null) { e.kind = 'event'; }
if (e.module == null) { e.module = 'windows'; }
if (e.dataset == null) { e.dataset = 'windows.ntlm'; }
if (w.level != null && String.valueOf(w.level) == '4') { if (ctx.log == null) { ctx.log = new HashMap(); } if (ctx.log.level == null) { ctx.log.level = 'information'; } }
String stamp = ctx['@timestamp'] != null ? String.valueOf(ctx['@timestamp']) : (w.time_created != null ? String.valueOf(w.time_created) : null);
// Every fraction digit given kept: the channel's times are UTC, written with Z or +00:00.
if (stamp != null) { ctx['@timestamp'] = stamp.endsWith('+00:00') ? stamp.substring(0, stamp.length() - 6) + 'Z' : stamp; }

if (which == null) {
  if (ctx.evforge == null) { ctx.evforge = new HashMap(); }
  ctx.evforge.unrecognized = true;
  List tags = ctx.tags instanceof List ? ctx.tags : new ArrayList();
  if (!tags.contains('evforge_unrecognized')) { tags.add('evforge_unrecognized'); }
  ctx.tags = tags;
  return;
}

Map v = d == null ? new HashMap() : d;
if (ctx.message == null || ctx.message == '') {
  if (which == '8001') {
    ctx.message = 'NTLM client blocked audit: Audit outgoing NTLM authentication traffic that would be blocked.' + NL + 'Target server: ' + (v.TargetName ?: '') + NL + 'Supplied user: ' + (v.UserName ?: '') + NL + 'Supplied domain: ' + (v.DomainName ?: '') + NL + 'PID of client process: ' + (v.CallerPID ?: '') + NL + 'Name of client process: ' + (v.ProcessName ?: '') + NL + 'LUID of client process: ' + (v.ClientLUID ?: '') + NL + 'User identity of client process: ' + (v.ClientUserName ?: '') + NL + 'Domain name of user identity of client process: ' + (v.ClientDomainName ?: '') + NL + 'Mechanism OID: ' + (v.MechanismOID ?: '') + NL + NL + 'Audit the NTLM authentication requests from this computer that would be blocked by the target server ' + (v.TargetName ?: '') + ' if the security policy Network Security: Restrict NTLM: Outgoing NTLM traffic to remote servers is set to Deny all.' + NL + NL + 'If you want all servers to accept NTLM authentication requests from this computer, set the security policy Network Security: Restrict NTLM: Outgoing NTLM traffic to remote servers to Allow all.' + NL + NL + 'If you want only the target server ' + (v.TargetName ?: '') + ' to accept NTLM authentication requests from this computer, set the security policy Network Security: Restrict NTLM: Outgoing NTLM traffic to remote servers to Deny all, and then set the security policy Network Security: Restrict NTLM: Add remote server exceptions and list the target server ' + (v.TargetName ?: '') + ' as an exception to use NTLM authentication.';
  } else if (which == '8002') {
    ctx.message = 'NTLM server blocked audit: Audit Incoming NTLM Traffic that would be blocked' + NL + 'Calling process PID: ' + (v.CallerPID ?: '')
      + NL + 'Calling process name: ' + (v.ProcessName ?: '') + NL + 'Calling process LUID: ' + (v.ClientLUID ?: '')
      + NL + 'Calling process user identity: ' + (v.ClientUserName ?: '') + NL + 'Calling process domain identity: ' + (v.ClientDomainName ?: '')
      + NL + 'Mechanism OID: ' + (v.MechanismOID ?: '')
      + NL + NL + 'Audit NTLM authentication requests to this server that would be blocked if the security policy Network Security: Restrict NTLM: Incoming NTLM Traffic is set to Deny all accounts or Deny all domain accounts.' + NL + NL + 'If you want this server to allow NTLM authentication, set the security policy Network Security: Restrict NTLM: Incoming NTLM Traffic to Allow all.';
  } else if (which == '8003') {
    ctx.message = 'NTLM server blocked in the domain audit: Audit NTLM authentication in this domain' + NL + 'User: ' + (v.UserName ?: '') + NL + 'Domain: ' + (v.DomainName ?: '') + NL + 'Workstation: ' + (v.Workstation ?: '') + NL + 'PID: ' + (v.CallerPID ?: '') + NL + 'Process: ' + (v.ProcessName ?: '') + NL + 'Logon type: ' + (v.LogonType ?: '') + NL + 'InProc: ' + (v.InProc ?: '') + NL + 'Mechanism: ' + (v.MechanismOID ?: '') + NL + NL + 'Audit NTLM authentication requests within this domain that would be blocked if the security policy Network Security: Restrict NTLM: NTLM authentication in this domain is set to Deny for domain servers or Deny domain accounts to domain servers.' + NL + NL + 'If you want to allow NTLM authentication requests in the domain ' + (v.UserName ?: '') + ', set the security policy Network Security: Restrict NTLM: NTLM authentication in this domain to Disabled.' + NL + NL + 'If you want to allow NTLM authentication requests to specific servers in the domain ' + (v.UserName ?: '') + ', set the security policy Network Security: Restrict NTLM: NTLM authentication in this domain to Deny for domain servers or Deny domain accounts to domain servers, and then set the security policy Network Security: Restrict NTLM: Add server exceptions in this domain to define a list of servers in this domain to use NTLM authentication.';
  } else {
    ctx.message = 'Domain Controller Blocked Audit: Audit NTLM authentication to this domain controller.' + NL + 'Secure Channel name: ' + (v.SChannelName ?: '') + NL + 'User name: ' + (v.UserName ?: '') + NL + 'Domain name: ' + (v.DomainName ?: '') + NL + 'Workstation name: ' + (v.WorkstationName ?: '') + NL + 'Secure Channel type: ' + (v.SChannelType ?: '') + NL + NL + 'Audit NTLM authentication requests within the domain ' + (v.DomainName ?: '') + ' that would be blocked if the security policy Network Security: Restrict NTLM: NTLM authentication in this domain is set to any of the Deny options.' + NL + NL + 'If you want to allow NTLM authentication requests in the domain ' + (v.DomainName ?: '') + ', set the security policy Network Security: Restrict NTLM: NTLM authentication in this domain to Disabled.' + NL + NL + 'If you want to allow NTLM authentication requests to specific servers in the domain ' + (v.DomainName ?: '') + ', set the security policy Network Security: Restrict NTLM: NTLM authentication in this domain to Deny for domain servers or Deny domain accounts to domain servers, and then set the security policy Network Security: Restrict NTLM: Add server exceptions in this domain to define a list of servers in the domain ' + (v.DomainName ?: '') + ' to which clients are allowed to use NTLM authentication.';
  }
}

if (ctx.evforge == null) { ctx.evforge = new HashMap(); }
ctx.evforge.event = 'ntlm-' + which;
if (d == null) { return; }
// Values that mean "none".
for (String k : ['TargetName', 'MechanismOID']) { if (d.get(k) == '(NULL)') { d.remove(k); } }
for (String k : ['UserName', 'DomainName', 'Workstation', 'WorkstationName', 'ClientUserName', 'ClientDomainName']) {
  if (d.get(k) == '-' || d.get(k) == '(NULL)' || (which == '8004' && d.get(k) == 'NULL')) { d.remove(k); }
}
// ECS: user, process, logon id, source, related users.
String userName = which == '8002' ? d.ClientUserName : d.UserName;
String userDomain = which == '8002' ? d.ClientDomainName : d.DomainName;
if (userName != null) { if (ctx.user == null) { ctx.user = new HashMap(); } if (ctx.user.name == null) { ctx.user.name = userName; } }
if (userDomain != null) { if (ctx.user == null) { ctx.user = new HashMap(); } if (ctx.user.domain == null) { ctx.user.domain = userDomain; } }
List related = new ArrayList();
if (userName != null) { related.add(userName); }
if (which == '8001' && d.ClientUserName != null) { related.add(d.ClientUserName); }
for (def u : related) {
  if (ctx.related == null) { ctx.related = new HashMap(); }
  List ru = ctx.related.user instanceof List ? ctx.related.user : new ArrayList();
  if (!ru.contains(u)) { ru.add(u); }
  ctx.related.user = ru;
}
if (which != '8004') {
  if (d.CallerPID != null) {
    if (ctx.process == null) { ctx.process = new HashMap(); }
    if (ctx.process.pid == null) { long pid = Long.parseLong(String.valueOf(d.CallerPID)); if (pid >= 0L && pid <= 4294967295L) { ctx.process.pid = pid; } }
  }
  if (d.ProcessName != null) {
    if (ctx.process == null) { ctx.process = new HashMap(); }
    if (ctx.process.executable == null) { ctx.process.executable = d.ProcessName; }
    if (ctx.process.name == null) { String p = String.valueOf(d.ProcessName); int i = p.lastIndexOf('\\'); int j = p.lastIndexOf('/'); if (j > i) { i = j; } ctx.process.name = p.substring(i + 1); }
  }
}
if ((which == '8001' || which == '8002') && d.ClientLUID != null) { if (w.logon == null) { w.logon = new HashMap(); } if (w.logon.id == null) { w.logon.id = d.ClientLUID; } }
String source = which == '8003' ? d.Workstation : which == '8004' ? d.WorkstationName : null;
if (source != null) { if (ctx.source == null) { ctx.source = new HashMap(); } if (ctx.source.domain == null) { ctx.source.domain = source; } }
`;

export const BASELINE_PIPELINE = {
  description: 'Benchmark baseline: the NTLM channel normalization (8001-8004) as one hand-written Painless script',
  // OpenSearch's scripts refuse a document holding an integer beyond 2^63, so even a hand-written
  // pipeline turns the 64-bit keyword mask into text first.
  processors: [{ convert: { field: 'system.keywords', type: 'string', ignore_missing: true } }, { script: { lang: 'painless', source: SOURCE } }],
};

/**
 * A pipeline that does only what any script pipeline on this engine must: the 64-bit keyword mask
 * turned into text (a script refuses an integer beyond 2^63) and one script that does nothing.
 * OpenSearch 2.19 deep-copies the document for every script processor and walks it for self
 * references afterwards, so this is the floor under b and c alike.
 */
export const FLOOR_PIPELINE = {
  description: 'Benchmark floor: the keyword conversion and one empty script',
  processors: [{ convert: { field: 'system.keywords', type: 'string', ignore_missing: true } }, { script: { lang: 'painless', source: 'int unused = 0;' } }],
};
