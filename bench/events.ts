/**
 * Seeded synthetic NTLM traffic for benchmarks: both input shapes (the raw "system" shape and
 * Winlogbeat's), realistic value distributions (a few processes and machine accounts dominate, a
 * long tail of users), and some events that are not 8002 or not from the NTLM channel, so queries
 * have something to filter out. The same seed gives the same lines.
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
  /** Share of events that must NOT match the NTLM Logon rule (other id or other channel). */
  readonly noise?: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** One NDJSON line per event; the 64-bit keyword mask stays an exact integer above 2^63. */
export function* benchEvents(o: BenchEventOptions): Generator<string> {
  const r = prng(o.seed);
  const noise = o.noise ?? 0.2;
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
    const roll = r();
    const eventId = roll < noise / 2 ? (r() < 0.5 ? 8001 : 8004) : 8002;
    const channel = roll >= noise / 2 && roll < noise ? 'Application' : 'Microsoft-Windows-NTLM/Operational';
    const provider = channel === 'Application' ? 'Contoso-Backup' : 'Microsoft-Windows-NTLM';
    const data = { CallerPID: pid, ProcessName: process, ClientLUID: luid, ClientUserName: user, ClientDomainName: domain, MechanismOID: oid };
    if (r() < 0.5) {
      const system = {
        provider,
        guid: 'AC43300D-5FCC-4800-8E99-1BD3F85F0320',
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
        event: { code: String(eventId), kind: 'event', provider, created: `${stamp.slice(0, 19)}.900Z` },
        host: { name: host.toLowerCase() },
        log: { level: 'information' },
        message: `NTLM server blocked audit: Audit Incoming NTLM Traffic that would be blocked\nCalling process PID: ${pid}\nCalling process name: ${process}`,
        winlog: {
          api: 'wineventlog',
          channel,
          computer_name: host,
          event_data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])),
          event_id: String(eventId),
          opcode: 'Info',
          process: { pid: 720, thread: { id: 1000 + Math.floor(r() * 20000) } },
          provider_guid: '{AC43300D-5FCC-4800-8E99-1BD3F85F0320}',
          provider_name: provider,
          record_id: String(1000 + i),
          task: 'AuditingNTLM',
          user: { identifier: 'S-1-5-18', domain: 'NT AUTHORITY', name: 'SYSTEM', type: 'Well Known Group' },
          version: 0,
        },
      });
    }
  }
}
