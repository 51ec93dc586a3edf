/**
 * Synthetic Security-Auditing definitions and traffic at any size, for the tests and the bench of
 * a data stream of hundreds of events (issue 21): K definitions of 10–15 fields in one dataset, in
 * the style of the Security channel (Subject*, Target*, Process*, Ip* fields of Windows' own types,
 * ECS targets, older names, null tokens, messages with tabs), and seeded events of every id in both
 * input shapes plus events no definition covers (other providers and ids, other channels, and
 * event data that uses the members' older names). The same options give the same output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from './malformed.ts';

export const SECURITY = { name: 'Microsoft-Windows-Security-Auditing', guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}' };
export const SECURITY_CHANNEL = 'Security';
const SYSMON = { name: 'Microsoft-Windows-Sysmon', guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' };

type WindowsType = 'UnicodeString' | 'SID' | 'HexInt64' | 'HexInt32' | 'UInt32' | 'Pointer' | 'GUID' | 'Boolean';
type Target = string | { field: string; derive: 'basename' };

interface SyntheticField {
  readonly name: string;
  readonly type: WindowsType;
  readonly ecs?: readonly Target[];
  readonly nullTokens?: readonly string[];
  readonly aliases?: readonly string[];
}

export interface SyntheticDefinition {
  readonly name: string;
  readonly eventId: number;
  readonly action: string;
  readonly fields: readonly SyntheticField[];
  /** The message's first line, as the pipeline renders it. */
  readonly firstLine: string;
}

/** Fields every Security event of this kind has, with the ECS targets a definition gives them. */
const SUBJECT: SyntheticField[] = [
  { name: 'SubjectUserSid', type: 'SID' },
  { name: 'SubjectUserName', type: 'UnicodeString', ecs: ['user.name', 'related.user'], nullTokens: ['-'] },
  { name: 'SubjectDomainName', type: 'UnicodeString', ecs: ['user.domain'], nullTokens: ['-'] },
  { name: 'SubjectLogonId', type: 'HexInt64', ecs: ['winlog.logon.id'] },
];
/** Fields some events have, mapped alike wherever they appear (one index holds them all). */
const OPTIONAL: SyntheticField[] = [
  { name: 'ProcessName', type: 'UnicodeString', ecs: ['process.executable', { field: 'process.name', derive: 'basename' }] },
  { name: 'CallerProcessId', type: 'UInt32', ecs: ['process.pid'] },
  { name: 'IpAddress', type: 'UnicodeString', ecs: ['source.ip'], nullTokens: ['-'] },
  { name: 'WorkstationName', type: 'UnicodeString', ecs: ['source.domain'], nullTokens: ['-'] },
  { name: 'TargetUserName', type: 'UnicodeString', ecs: ['related.user'], nullTokens: ['-'] },
];
const STEMS = ['Target', 'Object', 'Service', 'Member', 'Caller', 'Package', 'Privilege', 'Policy', 'Share', 'Task', 'Device', 'Key', 'Rule', 'Group', 'Handle', 'Access', 'Token', 'Audit', 'Session', 'Certificate'];
const SUFFIXES: [string, WindowsType][] = [
  ['Name', 'UnicodeString'],
  ['Sid', 'SID'],
  ['Id', 'Pointer'],
  ['Guid', 'GUID'],
  ['Flags', 'HexInt32'],
  ['Count', 'UInt32'],
  ['LogonId', 'HexInt64'],
  ['Enabled', 'Boolean'],
  ['Path', 'UnicodeString'],
  ['Type', 'UInt32'],
];

/** The pool the definitions draw their own fields from: stem × suffix, raw event data only. */
const POOL: SyntheticField[] = STEMS.flatMap((stem) => SUFFIXES.map(([suffix, type]) => ({ name: `${stem}${suffix}`, type })));

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** K definitions of provider Security-Auditing in one dataset: event ids 4600, 4601, … */
export function syntheticDefinitions(count: number, seed = 21): SyntheticDefinition[] {
  const r = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const eventId = 4600 + i;
    const own = new Map<string, SyntheticField>();
    const size = 10 + Math.floor(r() * 6) - SUBJECT.length;
    for (const f of OPTIONAL) if (r() < 0.35 && own.size < size) own.set(f.name, f);
    while (own.size < size) {
      const f = pick(r, POOL);
      own.set(f.name, f);
    }
    // One definition in ten knows an older name of one of its fields (as 8002's Calling_process_PID).
    const fields = [...SUBJECT, ...own.values()].map((f, n) => (i % 10 === 3 && n === SUBJECT.length ? { ...f, aliases: [`Old_${f.name}`] } : f));
    return { name: `security-${eventId}`, eventId, action: `security-event-${eventId}`, fields, firstLine: `Synthetic security event ${eventId} happened.` };
  });
}

/** A definition's input, as `defineEvent` takes it. */
export function definitionInput(d: SyntheticDefinition, dataset: string) {
  const message = [d.firstLine, '', 'Subject:', ...d.fields.map((f, n) => `\t${f.name}:\t\t%${n + 1}`)].join('\n');
  return {
    name: d.name,
    schemaVersion: '1.0.0',
    title: `Synthetic security event ${d.eventId}`,
    description: `A synthetic Security-Auditing event (${d.eventId}) for tests at scale.`,
    provider: SECURITY,
    channel: SECURITY_CHANNEL,
    eventId: d.eventId,
    version: 0,
    level: 0,
    task: { value: 12544, name: 'Logon' },
    opcode: { value: 0, name: 'Info' },
    keywords: '0x8020000000000000',
    message,
    dataset,
    ecs: { category: ['authentication'], type: ['info'], action: d.action },
    fields: d.fields.map((f) => ({ ...f, description: `The ${f.name} of the event.` })),
  };
}

/** A definition as a TypeScript file, in the style of examples/. */
export function definitionSource(d: SyntheticDefinition, dataset: string): string {
  return `import { defineEvent } from 'evforge';\n\nexport default defineEvent(${JSON.stringify(definitionInput(d, dataset), null, 2)});\n`;
}

/** Writes the definitions as `<dir>/security-<id>.ts`; returns their paths. */
export function writeDefinitions(dir: string, defs: readonly SyntheticDefinition[], dataset: string): string[] {
  mkdirSync(dir, { recursive: true });
  return defs.map((d) => {
    const path = join(dir, `${d.name}.ts`);
    writeFileSync(path, definitionSource(d, dataset));
    return path;
  });
}

/** One generated event: its NDJSON line, the definition that must recognize it (none: unrecognized), and what the pipeline must make of it. */
export interface SyntheticEvent {
  readonly line: string;
  readonly recordId: number;
  readonly expect: { readonly event: string | undefined; readonly userName?: string; readonly pid?: number; readonly processName?: string; readonly firstLine?: string };
}

function value(r: () => number, f: SyntheticField, n: number): string | number | boolean {
  switch (f.type) {
    case 'SID':
      return `S-1-5-21-3623811015-3361044348-30300820-${1000 + (n % 500)}`;
    case 'HexInt64':
      return `0x${(0x3e7 + n * 7919).toString(16)}`;
    case 'HexInt32':
      return `0x${(n % 65536).toString(16)}`;
    case 'Pointer':
      return `0x${(4 + (n % 60000)).toString(16)}`;
    case 'UInt32':
      return 4 + Math.floor(r() * 60000);
    case 'GUID':
      return `{${(n % 0xffffffff).toString(16).padStart(8, '0')}-1a2b-4c3d-8e9f-0a1b2c3d4e5f}`;
    case 'Boolean':
      return r() < 0.5;
    case 'UnicodeString':
      if (f.name === 'ProcessName') return pick(r, ['C:\\Windows\\System32\\lsass.exe', 'C:\\Windows\\System32\\svchost.exe', 'C:\\Program Files\\Contoso\\agent.exe']);
      if (f.name === 'IpAddress') return r() < 0.1 ? '-' : `10.0.${n % 250}.${(n * 7) % 250}`;
      if (f.name.endsWith('UserName')) return r() < 0.05 ? '-' : `user${n % 2000}`;
      if (f.name.endsWith('DomainName')) return pick(r, ['CONTOSO', 'WORKGROUP', 'NT AUTHORITY']);
      return `${f.name.toLowerCase()}-${n % 97}`;
  }
}

const stamp = (n: number) => new Date(Date.UTC(2026, 2, 12) + n * 1000).toISOString().replace('Z', '0000Z');

/**
 * `count` events: every definition at least once in each shape first, then a seeded mix; a share
 * `unrecognized` (default 0.06) that no definition covers: Sysmon events (whose event data uses the
 * members' older names and other names), Security events of an id no definition has, and a
 * member's id in another channel. Raw-shape values are JSON numbers where Windows types are
 * numbers, as evtx exports write them; Winlogbeat's are text.
 */
export function syntheticEvents(defs: readonly SyntheticDefinition[], count: number, options: { seed?: number; unrecognized?: number } = {}): SyntheticEvent[] {
  const r = prng(options.seed ?? 7);
  const share = options.unrecognized ?? 0.06;
  const olderNames = defs.flatMap((d) => d.fields.flatMap((f) => f.aliases ?? []));
  const out: SyntheticEvent[] = [];
  const first = defs.flatMap((d) => [[d, 'raw'], [d, 'winlogbeat']] as const);
  for (let n = 0; n < count; n++) {
    const recordId = 1000 + n;
    const foreign = n >= first.length && r() < share;
    if (foreign) {
      const kind = pick(r, ['sysmon', 'unknown-id', 'other-channel'] as const);
      const data: Record<string, string> = { RuleName: '-', Image: 'C:\\Windows\\System32\\cmd.exe', User: 'CONTOSO\\alice', UtcTime: '2026-03-12 00:00:00.000' };
      for (const old of olderNames.slice(0, 3)) data[old] = `foreign-${old}`;
      const member = pick(r, defs);
      const [provider, id, channel] = kind === 'sysmon' ? [SYSMON, 1, 'Microsoft-Windows-Sysmon/Operational'] : kind === 'unknown-id' ? [SECURITY, 9999, SECURITY_CHANNEL] : [SECURITY, member.eventId, 'Application'];
      const event = {
        system: { provider: provider.name, guid: provider.guid, event_id: id, version: 0, level: 4, task: 1, opcode: 0, keywords: '0x8000000000000000', time_created: stamp(n), event_record_id: recordId, channel, computer: `WS-${n % 50}` },
        event_data: data,
        message: '',
      };
      out.push({ line: JSON.stringify(event), recordId, expect: { event: undefined } });
      continue;
    }
    const [def, shape] = n < first.length ? first[n]! : [pick(r, defs), r() < 0.5 ? ('raw' as const) : ('winlogbeat' as const)];
    const data: Record<string, string | number | boolean> = {};
    const useOld = r() < 0.5;
    for (const f of def.fields) {
      const v = value(r, f, n);
      data[f.aliases && useOld ? f.aliases[0]! : f.name] = shape === 'raw' ? v : String(v);
    }
    const text = (name: string) => {
      const f = def.fields.find((x) => x.name === name);
      if (!f) return undefined;
      const v = data[name] ?? (f.aliases ? data[f.aliases[0]!] : undefined);
      return v === undefined || (f.nullTokens ?? []).includes(String(v)) ? undefined : String(v);
    };
    const processName = text('ProcessName');
    const pid = text('CallerProcessId');
    const expect = { event: def.name, userName: text('SubjectUserName'), ...(pid !== undefined ? { pid: Number(pid) } : {}), ...(processName !== undefined ? { processName: processName.slice(processName.lastIndexOf('\\') + 1) } : {}), firstLine: def.firstLine };
    const header = { provider: SECURITY.name, guid: SECURITY.guid, event_id: def.eventId, version: 0, level: 0, task: 12544, opcode: 0, time_created: stamp(n), event_record_id: recordId, channel: SECURITY_CHANNEL, computer: `WS-${n % 50}` };
    const event =
      shape === 'raw'
        ? { system: { ...header, keywords: '0x8020000000000000' }, event_data: data, message: '' }
        : {
            '@timestamp': stamp(n),
            winlog: { provider_name: SECURITY.name, provider_guid: SECURITY.guid, event_id: String(def.eventId), version: 0, level: '0', task: 'Logon', opcode: 'Info', keywords: ['Audit Success'], record_id: String(recordId), channel: SECURITY_CHANNEL, computer_name: `WS-${n % 50}`, event_data: data },
            agent: { type: 'winlogbeat' },
          };
    out.push({ line: JSON.stringify(event), recordId, expect });
  }
  return out;
}
