/**
 * Seeded synthetic traffic of the NTLM operational channel for benchmarks: both input shapes (the
 * raw "system" shape and Winlogbeat's), realistic value distributions (a few processes and machine
 * accounts dominate, a long tail of users), the channel's four events and some no definition
 * covers. The same seed gives the same lines.
 */
import { prng } from '../test/support/malformed.ts';

const PROCESSES: [string, number][] = [
  ['C:\\Windows\\System32\\lsass.exe', 40],
  ['C:\\Windows\\System32\\svchost.exe', 25],
  ['C:\\Windows\\System32\\spoolsv.exe', 8],
  ['C:\\Windows\\System32\\wininit.exe', 5],
  ['C:\\Windows\\explorer.exe', 5],
  ['C:\\Program Files\\Microsoft SQL Server\\MSSQL16\\Binn\\sqlservr.exe', 5],
  ['C:\\Windows\\System32\\inetsrv\\w3wp.exe', 7],
  ['C:\\Program Files\\Contoso\\agent.exe', 5],
];
const DOMAINS: [string, number][] = [['CONTOSO', 70], ['WORKGROUP', 20], ['NT AUTHORITY', 10]];

function weighted<T>(r: () => number, table: [T, number][]): T {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let x = r() * total;
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[0]![0];
}

/** Zipf-like pick in [0, n): low indexes are much more frequent. */
const zipf = (r: () => number, n: number) => Math.min(n - 1, Math.floor(n ** r() - 1));

export interface BenchEventOptions {
  readonly count: number;
  readonly seed: number;
  /** Share of events that are not 8002 of the NTLM provider (8001, 8003, 8004, unrecognized ones); 0.3 by default. */
  readonly noise?: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const NTLM = { name: 'Microsoft-Windows-NTLM', guid: 'AC43300D-5FCC-4800-8E99-1BD3F85F0320' };
const NETLOGON = { name: 'Microsoft-Windows-Security-Netlogon', guid: 'E5BA83F6-07D0-46B1-8BC7-7E669A1D31DC' };
const BACKUP = { name: 'Contoso-Backup', guid: '0F6A9E2B-1C3D-4E5F-8A7B-9C0D1E2F3A4B' };
const CHANNEL = 'Microsoft-Windows-NTLM/Operational';

/** Of the noise: 8001 and 8004 a quarter each, 8003 a little less, the rest no definition covers. */
const KINDS: ['8001' | '8003' | '8004' | 'other-provider' | 'other-id', number][] = [['8001', 27], ['8003', 23], ['8004', 27], ['other-provider', 12], ['other-id', 11]];

const FIRST_LINES: Record<string, string> = {
  '8001': 'NTLM client blocked audit: Audit outgoing NTLM authentication traffic that would be blocked.',
  '8002': 'NTLM server blocked audit: Audit Incoming NTLM Traffic that would be blocked',
  '8003': 'NTLM server blocked in the domain audit: Audit NTLM authentication in this domain that would be blocked.',
  '8004': 'Domain Controller Blocked Audit: Audit NTLM authentication to this domain controller.',
};

/**
 * One NDJSON line per event, as the channel Microsoft-Windows-NTLM/Operational delivers it: mostly
 * 8002, some 8001/8003 with their own fields, some 8004 from Microsoft-Windows-Security-Netlogon,
 * and some no definition covers (8002 of another provider in the Application log, an id the
 * definitions do not know). The 64-bit keyword mask stays an exact integer above 2^63.
 */
export function* benchEvents(o: BenchEventOptions): Generator<string> {
  const r = prng(o.seed);
  const noise = o.noise ?? 0.3;
  const start = Date.UTC(2026, 2, 12, 0, 0, 0);
  for (let i = 0; i < o.count; i++) {
    const host = `WS-${pad(zipf(r, 500), 4)}`;
    const process = weighted(r, PROCESSES);
    const machine = r() < 0.5;
    const user = machine ? `${host}$` : r() < 0.05 ? '-' : `user${pad(zipf(r, 2000), 4)}`;
    const domain = user === '-' ? '-' : weighted(r, DOMAINS);
    const pid = process.endsWith('lsass.exe') ? 600 + Math.floor(r() * 300) : 4 + Math.floor(r() * 65000);
    const luid = `0x${Math.floor(r() * 0xfffffff).toString(16)}`;
    const oid = r() < 0.7 ? '(NULL)' : '1.3.6.1.4.1.311.2.2.10';
    const t = new Date(start + i * 37 + Math.floor(r() * 1000));
    const micros = pad(Math.floor(r() * 1_000_000), 6);
    const stamp = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${micros}`;
    const kind = r() < noise ? weighted(r, KINDS) : '8002';
    const eventId = kind === 'other-provider' ? 8002 : kind === 'other-id' ? 4001 : Number(kind);
    const provider = kind === '8004' ? NETLOGON : kind === 'other-provider' ? BACKUP : NTLM;
    const channel = kind === 'other-provider' ? 'Application' : CHANNEL;
    const server = `SRV-${pad(zipf(r, 40), 3)}`;
    const data: Record<string, string | number | boolean> =
      kind === '8001'
        ? { TargetName: r() < 0.3 ? `TERMSRV/${server}` : `cifs/${server}`, UserName: user, DomainName: domain, CallerPID: pid, ProcessName: process, ClientLUID: luid, ClientUserName: `${host}$`, ClientDomainName: 'CONTOSO', MechanismOID: oid }
        : kind === '8003'
          ? { UserName: user, DomainName: domain, Workstation: host, CallerPID: pid, ProcessName: process, LogonType: 3, InProc: r() < 0.5, MechanismOID: oid }
          : kind === '8004'
            ? { SChannelName: `${host}$`, UserName: user, DomainName: r() < 0.6 ? 'NULL' : domain, WorkstationName: host, SChannelType: 2 }
            : { CallerPID: pid, ProcessName: process, ClientLUID: luid, ClientUserName: user, ClientDomainName: domain, MechanismOID: oid };
    if (r() < 0.5) {
      const system = {
        provider: provider.name,
        guid: provider.guid,
        event_source_name: '',
        event_id: eventId,
        version: 0,
        level: 4,
        task: 2,
        opcode: 0,
        keywords: 'KEYWORDS',
        time_created: `${stamp}+00:00`,
        event_record_id: 1000 + i,
        correlation: { ActivityID: 'CC8E79E3-F5C5-4F46-89CF-44829F945FA1' },
        execution: { process_id: 720, thread_id: 1000 + Math.floor(r() * 20000) },
        channel,
        computer: host,
        security: { user_id: 'S-1-5-18' },
      };
      yield JSON.stringify({ system, event_data: data, message: '' }).replace('"KEYWORDS"', '9223372036854775808');
    } else {
      yield JSON.stringify({
        '@timestamp': `${stamp}Z`,
        agent: { type: 'winlogbeat', version: '8.17.0', name: host, id: `agent-${host}` },
        ecs: { version: '8.0.0' },
        event: { action: 'Auditing NTLM', code: String(eventId), kind: 'event', provider: provider.name, created: `${stamp.slice(0, 19)}.900Z` },
        host: { name: host.toLowerCase() },
        log: { level: 'information' },
        message: `${FIRST_LINES[String(eventId)] ?? 'Backup completed.'}\nPID: ${pid}`,
        winlog: {
          api: 'wineventlog',
          channel,
          computer_name: host,
          event_data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])),
          event_id: String(eventId),
          opcode: 'Info',
          process: { pid: 720, thread: { id: 1000 + Math.floor(r() * 20000) } },
          provider_guid: `{${provider.guid}}`,
          provider_name: provider.name,
          record_id: String(1000 + i),
          task: 'Auditing NTLM',
          user: { identifier: 'S-1-5-18', domain: 'NT AUTHORITY', name: 'SYSTEM', type: 'Well Known Group' },
          version: 0,
        },
      });
    }
  }
}
