import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { FileError } from '../../../src/errors.ts';
import { MAX_DEPTH } from '../../../src/io/lossless.ts';
import { shortLinesWhole } from '../../../src/io/formats/text.ts';
import { readInput, scanInput, snapshotOf, type ReadOptions, type Snapshot } from '../../../src/io/formats/input.ts';

/**
 * Issue 24 at the readers: XML with namespace prefixes, encodings (byte-order marks, UTF-16 with or
 * without one, windows-1252 when asked), invalid bytes as located errors (never U+FFFD), a bounded
 * nesting depth, and the snapshot: a file read as it was when its size was taken.
 */
describe('replay\'s readers: namespaces, encodings, depth, snapshots', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'evforge-inputs-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  async function read(path: string, options: ReadOptions & { snapshot?: Snapshot } = {}) {
    const scan = await scanInput(path, 'f', options);
    const events: { origin: string; text: string }[] = [];
    for await (const e of readInput(path, 'f', scan)) events.push({ origin: e.origin, text: e.text });
    assert.equal(events.length, scan.count, 'pass 2 yields what pass 1 counted');
    return { scan, events, values: events.map((e) => JSON.parse(e.text)) };
  }
  const rejects = async (path: string, where: RegExp, what: RegExp, options: ReadOptions = {}) =>
    assert.rejects(scanInput(path, 'f', options), (err: unknown) => {
      assert.ok(err instanceof FileError, String(err));
      assert.match(err.path, where);
      assert.match(err.message, what);
      return true;
    });

  const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
  const plain = `<Event xmlns="${NS}"><System><Provider Name="P" Guid="{G}"/><EventID>8002</EventID><EventRecordID>7</EventRecordID><Computer>C</Computer></System><EventData><Data Name="U">Jürgen</Data></EventData><UserData><Foo xmlns="urn:foo"><Bar>1</Bar></Foo></UserData></Event>`;
  const EXPECTED = { system: { provider: 'P', guid: '{G}', event_id: '8002', event_record_id: '7', computer: 'C' }, event_data: { U: 'Jürgen' }, user_data: { Foo: { '#attributes': { xmlns: 'urn:foo' }, Bar: '1' } } };

  describe('XML namespaces: a prefix means what the namespace it is bound to means', () => {
    it('<e:Event xmlns:e="…"> with prefixed children reads exactly like the default namespace', async () => {
      const prefixed = `<?xml version="1.0" encoding="utf-8"?><e:Event xmlns:e="${NS}"><e:System><e:Provider Name="P" Guid="{G}"/><e:EventID>8002</e:EventID><e:EventRecordID>7</e:EventRecordID><e:Computer>C</e:Computer></e:System><e:EventData><e:Data Name="U">Jürgen</e:Data></e:EventData><e:UserData><f:Foo xmlns:f="urn:foo"><f:Bar>1</f:Bar></f:Foo></e:UserData></e:Event>`;
      assert.deepEqual((await read(write('plain.xml', plain))).values, [EXPECTED]);
      assert.deepEqual((await read(write('prefixed.xml', prefixed))).values, [EXPECTED]);
      const mixed = `<ev:Events xmlns:ev="${NS}">\n${plain}\n<x:Event xmlns:x="${NS}"><x:System><x:Provider Name="P" Guid="{G}"/><x:EventID>8002</x:EventID><x:EventRecordID>7</x:EventRecordID><x:Computer>C</x:Computer></x:System><x:EventData><x:Data Name="U">Jürgen</x:Data></x:EventData><x:UserData><Foo xmlns="urn:foo"><Bar>1</Bar></Foo></x:UserData></x:Event>\n</ev:Events>`;
      assert.deepEqual((await read(write('mixed.xml', mixed))).values, [EXPECTED, EXPECTED]);
    });

    it('a prefix bound nowhere is a located error', async () => {
      await rejects(write('unbound.xml', `<Event xmlns="${NS}"><System/></Event>\n<e:Event><e:System/></e:Event>`), /^f:2$/, /unbound namespace prefix: "e"/);
    });
  });

  describe('encodings: told by the byte-order mark, or by --encoding; every byte checked', () => {
    const json = '{"system":{"computer":"東京-PC01"},"event_data":{"U":"Jürgen-Ω"}}\n';
    const want = [{ system: { computer: '東京-PC01' }, event_data: { U: 'Jürgen-Ω' } }];
    const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
    const forms: [string, Buffer][] = [
      ['UTF-8', Buffer.from(json)],
      ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])],
      ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])],
      ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(json)])],
      ['UTF-16LE without a BOM', Buffer.from(json, 'utf16le')],
      ['UTF-16BE without a BOM', utf16be(json)],
    ];
    for (const [name, bytes] of forms) {
      it(`${name}: JSON and XML read the same text`, async () => {
        assert.deepEqual((await read(write('e.json', bytes))).values, want);
        const xml = plain.replace('Jürgen', 'Jürgen-Ω').replace('<Computer>C</Computer>', '<Computer>東京-PC01</Computer>');
        const xmlBytes = name.startsWith('UTF-8') ? Buffer.from(xml) : name.startsWith('UTF-16LE') ? Buffer.from(xml, 'utf16le') : utf16be(xml);
        const bom = name.includes('with a BOM') ? bytes.subarray(0, name.startsWith('UTF-8') ? 3 : 2) : Buffer.alloc(0);
        const [doc] = (await read(write('e.xml', Buffer.concat([bom, xmlBytes])))).values;
        assert.equal(doc.system.computer, '東京-PC01');
        assert.equal(doc.event_data.U, 'Jürgen-Ω');
      });
    }

    // What Windows PowerShell 5.1's Set-Content writes: the ANSI code page, here cp1252.
    const cp1252 = Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"ok"}\n{"user":"J'), Buffer.from([0xfc]), Buffer.from('rgen","euro":"'), Buffer.from([0x80]), Buffer.from('"}\n')]);

    it('windows-1252 without --encoding: a located error naming the line, the column and the byte, and what to pass; never U+FFFD', async () => {
      await rejects(write('ansi.ndjson', cp1252), /^f:3$/, /invalid UTF-8 at column 11 \(byte \d+ of the file\): bytes FC 72/);
      await assert.rejects(scanInput(join(dir, 'ansi.ndjson'), 'f'), (err: unknown) => err instanceof FileError && /--encoding windows-1252/.test(err.hint ?? '') && /nothing was sent/i.test(err.hint ?? ''));
      const xml = Buffer.concat([Buffer.from(`${plain}\n<Event><System><Computer>J`), Buffer.from([0xfc]), Buffer.from('rgen</Computer></System></Event>\n')]);
      await rejects(write('ansi.xml', xml), /^f:2$/, /invalid UTF-8 at column 27/);
    });

    it('windows-1252 with --encoding windows-1252: Jürgen and € read exactly', async () => {
      const { values, scan } = await read(join(dir, 'ansi.ndjson'), { encoding: 'windows-1252' });
      assert.equal(scan.encoded.encoding, 'windows-1252');
      assert.deepEqual(values[2], { user: 'Jürgen', euro: '€' });
    });

    it('a byte windows-1252 leaves unassigned (81, 8D, 8F, 90, 9D) is a located error under --encoding windows-1252', async () => {
      await rejects(write('ansi-bad.txt', Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"x'), Buffer.from([0x81]), Buffer.from('"}\n')])), /^f:2$/, /invalid WINDOWS-1252 at column 8 .*unassigned: 81/, { encoding: 'windows-1252' });
    });

    it('a byte-order mark that contradicts --encoding is refused', async () => {
      await rejects(write('bom16.json', forms[2]![1]), /^f$/, /UTF-16LE byte-order mark, but --encoding windows-1252/, { encoding: 'windows-1252' });
    });

    it('a U+FFFD written in the file is a character like any other; an unpaired surrogate in UTF-16 is an error, located', async () => {
      assert.deepEqual((await read(write('fffd.json', '{"a":"x\uFFFDy"}\n'))).values, [{ a: 'x\uFFFDy' }]);
      const lone = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}\n{"b":"', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('"}\n', 'utf16le')]);
      await rejects(write('lone.json', lone), /^f:2$/, /invalid UTF-16LE at column 7 .*an unpaired surrogate, 00 D8/);
    });

    it('a character cut by the 1 MB chunk boundary is read whole', async () => {
      const pad = 'x'.repeat((1 << 20) - '{"a":"'.length - 1);
      const { values } = await read(write('split.json', `{"a":"${pad}ü"}\n`));
      assert.equal(values[0].a.slice(-2), 'xü');
    });

    it('the file ending inside a character is an error, located', async () => {
      await rejects(write('cut.json', Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"'), Buffer.from([0xe2, 0x82])])), /^f:2$/, /the file ends inside a character: E2 82/);
    });
  });

  describe('one-line files stream: no line is needed to cut the input', () => {
    it('a text without line breaks passes in pieces as it comes (no piece holds more than a chunk and a short line)', async () => {
      async function* chunks() {
        for (let i = 0; i < 50; i++) yield `<Event>${'x'.repeat(10_000)}</Event>`;
      }
      let pieces = 0;
      for await (const p of shortLinesWhole(chunks(), 256)) {
        assert.ok(p.text.length <= 10_015 + 256, `a piece of ${p.text.length}`);
        pieces++;
      }
      assert.ok(pieces >= 49);
    });

    it('XML events on one line, evtx_dump\'s Record lines and declarations between them, read event by event', async () => {
      const one = Array.from({ length: 3000 }, (_, i) => plain.replace('<EventRecordID>7<', `<EventRecordID>${i}<`)).join('');
      const { values } = await read(write('oneline.xml', `<?xml version="1.0"?>${one}`));
      assert.equal(values.length, 3000);
      assert.equal(values[2999].system.event_record_id, '2999');
      const dumped = `Record 1\n<?xml version="1.0" encoding="utf-8"?>\n${plain}\nRecord 2\n<?xml version="1.0" encoding="utf-8"?>\n${plain}\n`;
      const r = await read(write('dump.xml', dumped));
      assert.deepEqual(r.events.map((e) => e.origin), ['f:3', 'f:6']);
    });
  });

  describe(`nesting deeper than ${MAX_DEPTH} levels: a located error, never a stack overflow, nothing sent`, () => {
    const nested = (depth: number, kinds: readonly boolean[]) => {
      let open = '';
      let close = '';
      for (let d = 1; d < depth; d++) {
        const object = kinds[d % kinds.length];
        open += object ? '{"k":' : '[';
        close = (object ? '}' : ']') + close;
      }
      return `{"system":{},"x":${open}1${close}}`;
    };
    const xmlNested = (depth: number) => `<Event><EventData>${'<D>'.repeat(Math.max(0, depth - 2))}1${'</D>'.repeat(Math.max(0, depth - 2))}</EventData></Event>`;

    it('100 000 levels, in JSON on one line, pretty-printed JSON, evtx_dump JSON and XML', async () => {
      const deep = nested(100_000, [true, false]);
      await rejects(write('deep.ndjson', `{"ok":1}\n${deep}\n`), /^f:2$/, /nested deeper than 64 levels/);
      await rejects(write('deep-pretty.json', `[\n{"ok":1},\n${deep.replace(/\{"k":/g, '{\n"k":')}\n]`), /^f:\d+$/, /nested deeper than 64 levels/);
      await rejects(write('deep-evtx.json', `{"Event":{"System":{}}}\n{"Event":{"EventData":${nested(100_000, [true])}}}\n`), /^f:2$/, /nested deeper than 64 levels/);
      await rejects(write('deep.xml', `${plain}\n${xmlNested(100_000)}`), /^f:2$/, /nested deeper than 64 levels \(elements/);
    });

    it(`property: any mix of objects and arrays, any depth: refused exactly when deeper than ${MAX_DEPTH}, at its line (seeded)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 3 * MAX_DEPTH }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), async (depth, kinds, before, pretty) => {
          const event = nested(depth, kinds);
          const text = pretty ? event.replace(/\{"k":/g, '{\n"k":') : event;
          const p = write('prop.json', `${'{"ok":1}\n'.repeat(before)}${text}\n`);
          const deepest = Math.max(depth, 2); // the event (level 1), then x's nesting (or `system`)
          if (deepest <= MAX_DEPTH) assert.equal((await scanInput(p, 'f')).count, before + 1);
          else {
            // The line where the nesting passes the limit: each `{"k":` of the pretty form starts a line.
            // The 66th opener is the one at depth 65 (the event's, `system`'s, then x's 2…).
            const objectsBefore = pretty ? [...text.slice(0, nthOpen(text, MAX_DEPTH + 2))].filter((c) => c === '\n').length : 0;
            await rejects(p, new RegExp(`^f:${before + 1 + objectsBefore}$`), /nested deeper than 64 levels/);
          }
          const xml = write('prop.xml', `${plain}\n`.repeat(before) + xmlNested(Math.min(depth, 200)));
          if (Math.min(depth, 200) <= MAX_DEPTH) assert.equal((await scanInput(xml, 'f')).count, before + 1);
          else await rejects(xml, new RegExp(`^f:${before + 1}$`), /nested deeper than 64 levels/);
        }),
        { seed: 7, numRuns: 60 },
      );
    });
  });

  describe('the snapshot: a file is read as it was when its size was taken', () => {
    const line = (i: number) => `{"system":{"event_record_id":${i}}}`;

    it('bytes past the snapshot are neither checked nor read; an event cut by it (the file still being written) is left out, not an error', async () => {
      const p = write('live.ndjson', `${line(1)}\n${line(2)}\n`);
      const snapshot = await snapshotOf(p);
      appendFileSync(p, `${line(3)}\n{"partial":`);
      const { scan, values } = await read(p, { snapshot });
      assert.equal(scan.count, 2);
      assert.deepEqual(values.map((v) => v.system.event_record_id), [1, 2]);
      // The snapshot taken in the middle of the third event (the file has grown past it since).
      const cut = await read(p, { snapshot: { ...snapshot, size: snapshot.size + 10 } });
      assert.equal(cut.scan.count, 2);
      assert.equal(cut.scan.cutAtLine, 3);
    });

    it('a file that ends inside an event and is not growing is an error, located', async () => {
      const p = write('truncated.ndjson', `${line(1)}\n{"partial":`);
      await rejects(p, /^f:2$/, /the file ends inside an event/);
      const x = write('truncated.xml', `${plain}\n<Event><System>`);
      await rejects(x, /^f:2$/, /the file ends inside the <Event> of line 2/);
    });

    it('XML cut by the snapshot inside an event: the complete events before it, and where the cut one starts', async () => {
      const p = write('live.xml', `${plain}\n${plain}\n`);
      const snapshot = await snapshotOf(p);
      const { scan } = await read(p, { snapshot: { ...snapshot, size: plain.length + 1 + 40 } });
      assert.equal(scan.count, 1);
      assert.equal(scan.cutAtLine, 2);
    });
  });
});

/** Index of the n-th `{` or `[` of the text. */
function nthOpen(text: string, n: number): number {
  let seen = 0;
  for (let i = 0; i < text.length; i++) if ((text[i] === '{' || text[i] === '[') && ++seen === n) return i;
  return text.length;
}
