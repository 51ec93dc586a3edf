/**
 * A seeded generator of NTLM 8002 events, valid and malformed, as JSON text (so it can carry what
 * JavaScript values cannot: integers above 2^53, lone UTF-16 surrogates, duplicate-looking keys).
 * The same seed always gives the same events.
 */

/** mulberry32: a small, well-known 32-bit PRNG; enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedEvent {
  /** One line of JSON. */
  readonly text: string;
  /** Which malformation (or `valid-…`). */
  readonly kind: string;
  /** For valid events: what the pipeline must produce. */
  readonly expect?: { pid: number; executable: string; name: string; user: string; recordId: string };
}

const J = JSON.stringify;

function seedEvent(r: () => number, i: number): { system: Record<string, unknown>; event_data: Record<string, unknown>; message: string } {
  const names = ['lsass.exe', 'svchost.exe', 'spoolsv.exe', 'wininit.exe', 'explorer.exe'];
  const name = names[Math.floor(r() * names.length)]!;
  return {
    system: {
      provider: 'Microsoft-Windows-NTLM',
      guid: 'AC43300D-5FCC-4800-8E99-1BD3F85F0320',
      event_source_name: '',
      event_id: 8002,
      version: 0,
      level: 4,
      task: 2,
      opcode: 0,
      time_created: `2026-03-12T02:${String(Math.floor(r() * 60)).padStart(2, '0')}:00.${String(Math.floor(r() * 1e6)).padStart(6, '0')}+00:00`,
      event_record_id: 100_000 + i,
      correlation: { ActivityID: 'CC8E79E3-F5C5-4F46-89CF-44829F945FA1' },
      execution: { process_id: 720, thread_id: 12064 },
      channel: 'Microsoft-Windows-NTLM/Operational',
      computer: `HOST-${Math.floor(r() * 50)}`,
      security: { user_id: 'S-1-5-18' },
    },
    event_data: {
      CallerPID: Math.floor(r() * 65536),
      ProcessName: `C:\\Windows\\System32\\${name}`,
      ClientLUID: `0x${Math.floor(r() * 0xffffff).toString(16)}`,
      ClientUserName: `user${Math.floor(r() * 500)}`,
      ClientDomainName: 'CONTOSO',
      MechanismOID: '(NULL)',
    },
    message: '',
  };
}

/** `keywords` is written as an exact integer above 2^63, as the seed event has it. */
function withKeywords(json: string, digits = '9223372036854775808'): string {
  return json.replace('"version":0,', `"version":0,"keywords":${digits},`);
}

type Maker = (r: () => number, i: number) => GeneratedEvent;

const valid: Maker = (r, i) => {
  const e = seedEvent(r, i);
  const d = e.event_data as { CallerPID: number; ProcessName: string; ClientUserName: string };
  return {
    text: withKeywords(J(e)),
    kind: 'valid-system-shape',
    expect: { pid: d.CallerPID, executable: d.ProcessName, name: d.ProcessName.split('\\').pop()!, user: d.ClientUserName, recordId: String(100_000 + i) },
  };
};

const validWinlogbeat: Maker = (r, i) => {
  const e = seedEvent(r, i);
  const d = e.event_data as { CallerPID: number; ProcessName: string; ClientUserName: string };
  const doc = {
    '@timestamp': '2026-03-12T02:56:00.824258Z',
    agent: { type: 'winlogbeat', version: '8.17.0', name: 'LAB', id: 'x' },
    winlog: {
      channel: 'Microsoft-Windows-NTLM/Operational',
      provider_name: 'Microsoft-Windows-NTLM',
      event_id: '8002',
      record_id: String(100_000 + i),
      computer_name: 'LAB-WIN11',
      task: 'Auditing NTLM',
      opcode: 'Info',
      event_data: Object.fromEntries(Object.entries(d).map(([k, v]) => [k, String(v)])),
    },
    event: { code: '8002', kind: 'event', provider: 'Microsoft-Windows-NTLM' },
    message: 'NTLM server blocked audit',
  };
  return { text: J(doc), kind: 'valid-winlogbeat-shape', expect: { pid: d.CallerPID, executable: d.ProcessName, name: d.ProcessName.split('\\').pop()!, user: d.ClientUserName, recordId: String(100_000 + i) } };
};

/** Malformed variants, each replacing one part of an otherwise valid event. */
const malformed: Record<string, Maker> = {
  'wrong-types-everywhere': (r, i) => {
    const e = seedEvent(r, i);
    const odd = [true, 3.5, [], {}, null, -1, 'x'];
    for (const k of Object.keys(e.event_data)) e.event_data[k] = odd[Math.floor(r() * odd.length)];
    return { text: J(e), kind: 'wrong-types-everywhere' };
  },
  'pid-negative': (r, i) => ({ text: J({ ...seedEvent(r, i), event_data: { ...seedEvent(r, i).event_data, CallerPID: -5 } }), kind: 'pid-negative' }),
  'pid-above-2^32': (r, i) => ({ text: J(seedEvent(r, i)).replace(/"CallerPID":\d+/, '"CallerPID":4294967296'), kind: 'pid-above-2^32' }),
  'pid-above-2^64': (r, i) => ({ text: J(seedEvent(r, i)).replace(/"CallerPID":\d+/, '"CallerPID":36893488147419103232'), kind: 'pid-above-2^64' }),
  'pid-not-numeric': (r, i) => ({ text: J(seedEvent(r, i)).replace(/"CallerPID":\d+/, '"CallerPID":"seven hundred"'), kind: 'pid-not-numeric' }),
  'luid-without-0x': (r, i) => ({ text: J(seedEvent(r, i)).replace(/"ClientLUID":"0x/, '"ClientLUID":"'), kind: 'luid-without-0x' }),
  'luid-above-2^64': (r, i) => ({ text: J(seedEvent(r, i)).replace(/"ClientLUID":"[^"]+"/, '"ClientLUID":"0x1ffffffffffffffffff"'), kind: 'luid-above-2^64' }),
  'missing-system': (r, i) => {
    const { system: _s, ...rest } = seedEvent(r, i);
    return { text: J(rest), kind: 'missing-system' };
  },
  'arrays-for-scalars': (r, i) => {
    const e = seedEvent(r, i);
    e.system['channel'] = ['Microsoft-Windows-NTLM/Operational', 'x'];
    e.system['event_id'] = [8002];
    e.event_data['ProcessName'] = ['C:\\a.exe', 'C:\\b.exe'];
    e.event_data['CallerPID'] = [1, 2];
    return { text: J(e), kind: 'arrays-for-scalars' };
  },
  'objects-in-event-data': (r, i) => {
    const e = seedEvent(r, i);
    e.event_data['ProcessName'] = { path: 'C:\\x.exe', nested: { deeper: [1, { a: 'b' }] } };
    e.event_data['ClientUserName'] = [{ name: 'a' }];
    return { text: J(e), kind: 'objects-in-event-data' };
  },
  'huge-strings': (r, i) => {
    const e = seedEvent(r, i);
    e.event_data['ProcessName'] = `C:\\${'A'.repeat(100_000)}.exe`;
    e.message = 'm'.repeat(100_000);
    e.event_data['ClientUserName'] = 'u'.repeat(100_000);
    return { text: J(e), kind: 'huge-strings' };
  },
  'lone-surrogates': (r, i) => ({ text: J(seedEvent(r, i)).replace(/"ClientUserName":"[^"]+"/, '"ClientUserName":"a\\ud800b"').replace('"message":""', '"message":"\\udc00 end"'), kind: 'lone-surrogates' }),
  'proto-and-dotted-keys': (r, i) => {
    const base = J(seedEvent(r, i));
    return {
      text: base.replace('{"system":', '{"__proto__":{"polluted":true},"constructor":"x","winlog.event_data.CallerPID":{"x":1},"event.kind":"forged","a.b c":1,"system":'),
      kind: 'proto-and-dotted-keys',
    };
  },
  'time-created-formats': (r, i) => {
    const formats = ['1773284160824', '2026/03/12 02:56:00', 'yesterday', '', '2026-13-45T99:99:99Z', '2026-03-12T02:56:00'];
    return { text: J(seedEvent(r, i)).replace(/"time_created":"[^"]+"/, `"time_created":${J(formats[Math.floor(r() * formats.length)])}`), kind: 'time-created-formats' };
  },
  'time-created-number': (r, i) => ({ text: J(seedEvent(r, i)).replace(/"time_created":"[^"]+"/, '"time_created":1773284160'), kind: 'time-created-number' }),
  'keywords-above-2^63': (r, i) => ({ text: withKeywords(J(seedEvent(r, i)), '18446744073709551621'), kind: 'keywords-above-2^63' }),
  'keywords-negative': (r, i) => ({ text: withKeywords(J(seedEvent(r, i)), '-9223372036854775809'), kind: 'keywords-negative' }),
  'empty-document': () => ({ text: '{}', kind: 'empty-document' }),
  'declared-objects-as-scalars': (r, i) => {
    const variants = [
      { winlog: 'not an object', message: 'x' },
      { event: 5, host: [1, 2], process: 'p' },
      { '@timestamp': 'not a date', winlog: { channel: 'Microsoft-Windows-NTLM/Operational' } },
      { '@timestamp': { nested: true } },
      { message: { text: 'object message' }, error: 'x', evforge: 'x' },
      { evforge: { invalid: 5 }, user: { name: { first: 'a' } } },
      { log: { level: ['a', { b: 1 }] }, related: { user: { x: 1 } } },
    ];
    return { text: J({ ...seedEvent(r, i), ...variants[Math.floor(r() * variants.length)] }), kind: 'declared-objects-as-scalars' };
  },
  'event-data-not-an-object': (r, i) => {
    const values = ['"a string"', '[1,2,3]', '42', 'true', 'null'];
    return { text: J(seedEvent(r, i)).replace(/"event_data":\{[^}]*\}/, `"event_data":${values[Math.floor(r() * values.length)]}`), kind: 'event-data-not-an-object' };
  },
  'old-and-new-names-together': (r, i) => {
    const e = seedEvent(r, i);
    e.event_data['Calling_process_PID'] = 99;
    return { text: J(e), kind: 'old-and-new-names-together' };
  },
  /** An empty key at the top: the engine's document parser refuses it, so the pipeline moves it aside (stored, marked). */
  'empty-key': (r, i) => ({ text: J(seedEvent(r, i)).replace('"message":""', '"message":"","":"an empty key","unknown_big":123456789012345678901234567890'), kind: 'empty-key' }),
  /** A time @timestamp (date_nanos) cannot hold: the engine would refuse the event, so the pipeline keeps it aside and uses time_created. */
  'timestamp-out-of-range': (r, i) => ({ text: J({ ...seedEvent(r, i), '@timestamp': ['1900-01-01T00:00:00Z', '2263-01-01T00:00:00Z'][i % 2] }), kind: 'timestamp-out-of-range' }),
  /** Integers beyond 64 bits anywhere stop OpenSearch's scripts: replay sends them as text. */
  'integers-beyond-64-bits': (r, i) => ({ text: J(seedEvent(r, i)).replace('"message":""', '"message":"","unknown_big":123456789012345678901234567890,"deep":{"a":[18446744073709551615,-9223372036854775809]}'), kind: 'integers-beyond-64-bits' }),
  'deep-nesting': (r, i) => {
    let deep: unknown = 'bottom';
    for (let d = 0; d < 60; d++) deep = { d };
    return { text: J({ ...seedEvent(r, i), unknown_deep: deep }), kind: 'deep-nesting' };
  },
};

export const MALFORMATIONS = Object.keys(malformed);

/**
 * `count` events from `seed`: about `validShare` of them valid (both shapes), the rest spread over
 * every malformation in turn.
 */
export function generateEvents(count: number, seed: number, validShare = 0.3): GeneratedEvent[] {
  const r = prng(seed);
  const kinds = Object.values(malformed);
  const out: GeneratedEvent[] = [];
  for (let i = 0; i < count; i++) {
    if (r() < validShare) out.push((r() < 0.5 ? valid : validWinlogbeat)(r, i));
    else out.push(kinds[i % kinds.length]!(r, i));
  }
  return out;
}
