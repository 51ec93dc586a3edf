import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';

/**
 * One event, one document, whatever shape it arrived in (issue 23): the goldens of an example event
 * written in several input shapes — the raw `system` + `event_data` JSON, Winlogbeat's, Windows
 * event XML and evtx_dump JSON (`<event>-winlogbeat.json`, `-windows.xml`, `-evtx_dump.json` beside
 * `<event>.json`) — hold the same values. What only one shape can carry is named here, with why
 * (docs/pipeline.md, "One form per field"); everything else must be equal.
 */
const DIR = join(ROOT, 'examples/events');
const SHAPES = ['-winlogbeat', '-windows', '-evtx_dump'] as const;

/** Fields that only some shapes carry, by what brings them. */
const SHAPE_ONLY: readonly (readonly [RegExp, string])[] = [
  [/^(agent|ecs)\.|^event\.created$|^host\.name$|^winlog\.api$|^winlog\.user\.(name|domain|type)$/, 'the collector\'s own (Winlogbeat names its host and resolves the user\'s SID)'],
  [/^message$/, 'Windows\' own rendering (Winlogbeat, RenderingInfo) or the template\'s, with the inserts as they are'],
  [/^evforge\.keywords_mask$/, 'the mask: Winlogbeat sends only the names'],
  [/^winlog\.(time_created|level|event_source_name)$/, 'header values Winlogbeat does not send'],
];

function leaves(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(value));
  return out;
}

/** The instant to the microsecond: an export may give fewer digits than Windows' 100 ns. */
const instant = (t: string) => t.replace(/Z$/, '').replace(/(\.\d{1,6})\d*$/, '$1').replace(/^(.*\.\d*?)0+$/, '$1').replace(/\.$/, '');

const read = (name: string) => leaves(JSON.parse(readFileSync(join(DIR, `${name}-expected.json`), 'utf8')));

/** A Windows event is (computer, channel, provider, record id): two files holding the same one are twins. */
const identity = (d: Map<string, string>) => ['winlog.computer_name', 'winlog.channel', 'winlog.provider_name', 'winlog.record_id'].map((k) => d.get(k)).join('|');

const twins = readdirSync(DIR)
  .filter((f) => f.endsWith('-winlogbeat.json') && existsSync(join(DIR, f.replace(/-winlogbeat\.json$/, '-expected.json'))))
  .map((f) => f.replace(/-winlogbeat\.json$/, ''))
  .filter((name) => identity(read(name)) === identity(read(`${name}-winlogbeat`)))
  .sort();

describe('the goldens of one event in every input shape agree', () => {
  it('covers the Security example in four shapes and the NTLM seed in two', () => {
    for (const name of ['security-auditing-4624', 'security-auditing-4625', 'security-auditing-4776', 'eventlog-1102']) {
      for (const shape of SHAPES) assert.ok(twins.includes(name) && existsSync(join(DIR, `${name}${shape}-expected.json`)), `${name}${shape}`);
    }
    assert.ok(twins.includes('ntlm-8002'));
  });
  for (const name of twins) {
    it(`${name}: every shape writes the same values`, () => {
      const base = read(name);
      for (const shape of SHAPES) {
        if (!existsSync(join(DIR, `${name}${shape}-expected.json`))) continue;
        const other = read(`${name}${shape}`);
        const differ = [...new Set([...base.keys(), ...other.keys()])].filter((k) => {
          if (SHAPE_ONLY.some(([re]) => re.test(k))) return false;
          const [a, b] = [base.get(k), other.get(k)];
          if (k === '@timestamp' && a && b) return instant(JSON.parse(a)) !== instant(JSON.parse(b));
          return a !== b;
        });
        assert.deepEqual(differ.map((k) => `${k}: ${base.get(k) ?? '(none)'} / ${other.get(k) ?? '(none)'}`), [], `${name} and ${name}${shape}`);
      }
    });
  }
});
