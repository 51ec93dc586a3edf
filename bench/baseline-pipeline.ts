/**
 * The baseline the generated pipeline is measured against: the same normalization written the
 * straightforward way many hand-written integrations do it, one Painless script with the field
 * names in its code. The benchmark checks that it produces the same documents (for valid events)
 * before timing it.
 */
const SOURCE = String.raw`
String NL = String.valueOf((char) 10);
Map w = ctx.containsKey('winlog') && ctx.winlog instanceof Map ? ctx.winlog : new HashMap();
if (ctx.containsKey('system') && ctx.system instanceof Map) {
  Map s = ctx.system;
  if (s.containsKey('provider')) { w.provider_name = s.remove('provider'); }
  if (s.containsKey('guid')) { w.provider_guid = s.remove('guid'); }
  if (s.containsKey('event_id')) { w.event_id = String.valueOf(s.remove('event_id')); }
  if (s.containsKey('version')) { w.version = s.remove('version'); }
  if (s.containsKey('level')) { w.level = s.remove('level'); }
  if (s.containsKey('task')) { w.task = String.valueOf(s.remove('task')); }
  if (s.containsKey('opcode')) { w.opcode = String.valueOf(s.remove('opcode')); }
  if (s.containsKey('keywords')) { w.keywords = String.valueOf(s.remove('keywords')); }
  if (s.containsKey('time_created')) { w.time_created = s.remove('time_created'); }
  if (s.containsKey('event_record_id')) { w.record_id = String.valueOf(s.remove('event_record_id')); }
  if (s.correlation instanceof Map && s.correlation.containsKey('ActivityID')) { w.activity_id = s.correlation.remove('ActivityID'); }
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
  for (String k : ['CallerPID', 'ProcessName', 'ClientLUID', 'ClientUserName', 'ClientDomainName', 'MechanismOID']) {
    if (d.get(k) instanceof Number) { d.put(k, String.valueOf(d.get(k))); }
  }
}
if (w.task == '2') { w.task = 'AuditingNTLM'; }
if (w.opcode == '0') { w.opcode = 'Info'; }
Map e = ctx.containsKey('event') ? ctx.event : new HashMap();
ctx.event = e;
if (e.code == null && w.event_id != null) { e.code = w.event_id; }
if (e.provider == null && w.provider_name != null) { e.provider = w.provider_name; }
if (w.computer_name != null) { if (ctx.host == null) { ctx.host = new HashMap(); } if (ctx.host.name == null) { ctx.host.name = w.computer_name; } }
if (e.kind == null) { e.kind = 'event'; }
if (e.module == null) { e.module = 'windows'; }
if (e.dataset == null) { e.dataset = 'windows.ntlm'; }
if (e.action == null) { e.action = 'ntlm-server-blocked-audit'; }
if (ctx.log == null) { ctx.log = new HashMap(); }
if (ctx.log.level == null) { ctx.log.level = 'information'; }
List cat = e.category instanceof List ? e.category : new ArrayList(); if (!cat.contains('authentication')) { cat.add('authentication'); } e.category = cat;
List typ = e.type instanceof List ? e.type : new ArrayList(); if (!typ.contains('info')) { typ.add('info'); } e.type = typ;
String stamp = ctx['@timestamp'] != null ? String.valueOf(ctx['@timestamp']) : (w.time_created != null ? String.valueOf(w.time_created) : null);
if (stamp != null) {
  ZonedDateTime z = ZonedDateTime.parse(stamp).withZoneSameInstant(ZoneId.of('Z'));
  String frac = String.valueOf(1000000000 + z.getNano()).substring(1);
  int end = 9; while (end > 3 && frac.charAt(end - 1) == (char) '0') { end--; }
  ctx['@timestamp'] = z.format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")) + '.' + frac.substring(0, end) + 'Z';
}
if (ctx.message == null || ctx.message == '') {
  ctx.message = 'NTLM server blocked audit: Audit Incoming NTLM Traffic that would be blocked' + NL + 'Calling process PID: ' + (d == null || d.CallerPID == null ? '' : d.CallerPID)
    + NL + 'Calling process name: ' + (d == null || d.ProcessName == null ? '' : d.ProcessName)
    + NL + 'Calling process LUID: ' + (d == null || d.ClientLUID == null ? '' : d.ClientLUID)
    + NL + 'Calling process user identity: ' + (d == null || d.ClientUserName == null ? '' : d.ClientUserName)
    + NL + 'Calling process domain identity: ' + (d == null || d.ClientDomainName == null ? '' : d.ClientDomainName)
    + NL + 'Mechanism OID: ' + (d == null || d.MechanismOID == null ? '' : d.MechanismOID)
    + NL + NL + 'Audit NTLM authentication requests to this server that would be blocked if the security policy Network Security: Restrict NTLM: Incoming NTLM Traffic is set to Deny all accounts or Deny all domain accounts.' + NL + NL + 'If you want this server to allow NTLM authentication, set the security policy Network Security: Restrict NTLM: Incoming NTLM Traffic to Allow all.';
}
if (d != null) {
  if (d.ClientUserName == '-') { d.remove('ClientUserName'); }
  if (d.ClientDomainName == '-') { d.remove('ClientDomainName'); }
  if (d.MechanismOID == '(NULL)') { d.remove('MechanismOID'); }
  if (ctx.process == null) { ctx.process = new HashMap(); }
  if (d.CallerPID != null && ctx.process.pid == null) { long pid = Long.parseLong(String.valueOf(d.CallerPID)); if (pid >= 0L && pid <= 4294967295L) { ctx.process.pid = pid; } }
  if (d.ProcessName != null) {
    if (ctx.process.executable == null) { ctx.process.executable = d.ProcessName; }
    if (ctx.process.name == null) { String p = String.valueOf(d.ProcessName); int i = p.lastIndexOf('\\'); int j = p.lastIndexOf('/'); if (j > i) { i = j; } ctx.process.name = p.substring(i + 1); }
  }
  if (ctx.process.isEmpty()) { ctx.remove('process'); }
  if (d.ClientLUID != null) { if (w.logon == null) { w.logon = new HashMap(); } if (w.logon.id == null) { w.logon.id = d.ClientLUID; } }
  if (d.ClientUserName != null) {
    if (ctx.user == null) { ctx.user = new HashMap(); }
    if (ctx.user.name == null) { ctx.user.name = d.ClientUserName; }
    if (ctx.related == null) { ctx.related = new HashMap(); }
    List ru = ctx.related.user instanceof List ? ctx.related.user : new ArrayList();
    if (!ru.contains(d.ClientUserName)) { ru.add(d.ClientUserName); }
    ctx.related.user = ru;
  }
  if (d.ClientDomainName != null) { if (ctx.user == null) { ctx.user = new HashMap(); } if (ctx.user.domain == null) { ctx.user.domain = d.ClientDomainName; } }
}
`;

export const BASELINE_PIPELINE = {
  description: 'Benchmark baseline: the NTLM 8002 normalization as one hand-written Painless script',
  // OpenSearch's scripts refuse a document holding an integer beyond 2^63, so even a hand-written
  // pipeline turns the 64-bit keyword mask into text first.
  processors: [{ convert: { field: 'system.keywords', type: 'string', ignore_missing: true } }, { script: { lang: 'painless', source: SOURCE } }],
};
