/** `npm run bench -- generator`: one section of bench/run.ts. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, round } from '../lib.ts';
import { ROOT, log, rows, notes } from '../context.ts';
import { syntheticDefinitions, writeDefinitions } from '../../test/support/synthetic.ts';

/* ──────────────────────────── generator scale ──────────────────────────── */

function syntheticDefinition(i: number): string {
  const types = ['UInt32', 'UnicodeString', 'HexInt64', 'GUID', 'SID', 'Boolean', 'UInt16', 'AnsiString'];
  const n = 3 + (i % 12);
  const fields = Array.from({ length: n }, (_, k) => {
    const type = types[(i + k) % types.length]!;
    const ecs = type === 'UInt32' && k === 0 ? ", ecs: ['process.pid']" : type === 'UnicodeString' && k === 1 ? ", ecs: ['process.executable', { field: 'process.name', derive: 'basename' }]" : '';
    return `    { name: 'Field${k}', type: '${type}', description: 'Field ${k} of event ${i}.', aliases: ['Old_field_${k}']${ecs} },`;
  }).join('\n');
  const rule = i % 3 === 0 ? '' : `
  detections: [{
    id: '${`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`}', title: 'Rule ${i}', status: 'test', level: 'medium',
    description: 'Synthetic rule', author: 'bench', date: '2026-01-01', tags: ['attack.t1550.002'],
    logsource: { product: 'windows', service: 'synthetic' },
    detection: { selection: { EventID: ${1000 + i}, 'Field1|contains': ['a', 'b'] }, condition: 'selection' },
  }],`;
  return `import { defineEvent } from 'evforge';
export default defineEvent({
  name: 'synthetic-${i}', schemaVersion: '1.0.0', title: 'Synthetic ${i}', description: 'Synthetic event ${i}.',
  provider: { name: 'Contoso-Synthetic-${i % 7}', guid: '{11111111-2222-3333-4444-${String(i).padStart(12, '0')}}' },
  channel: 'Contoso-Synthetic/Operational', eventId: ${1000 + i}, version: 0, level: 4,
  task: { value: 1, name: 'Synthetic' }, opcode: { value: 0, name: 'Info' }, keywords: '0x8000000000000000',
  message: 'Synthetic event ${i}: %1 %2 %3', dataset: 'synthetic.e${i}',
  fields: [
${fields}
  ],${rule}
});
`;
}

function wall(cmd: string, args: string[], cwd: string): number {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - started) / 1000;
}

/** Median and spread (min–max) of timed runs, as the rows print them: "0.41 (0.38–0.52)". */
function spread(times: readonly number[], digits = 2): string {
  return `${round(median([...times]), digits)} (${round(Math.min(...times), digits)}–${round(Math.max(...times), digits)})`;
}

export function generatorScale(): void {
  // The bin users run: evforge compiled (dist/, refused when older than src/); only definitions through tsx.
  const bin = join(ROOT, 'src/cli/bin.mjs');
  // Start-up: bare Node and `evforge --version` alternate, so both see the same load on a shared machine.
  const nodeTimes: number[] = [];
  const versionTimes: number[] = [];
  for (let k = 0; k < 11; k++) {
    nodeTimes.push(wall(process.execPath, ['-e', '0'], ROOT));
    versionTimes.push(wall(process.execPath, [bin, '--version'], ROOT));
  }
  const nodeStart = median(nodeTimes);
  const version = median(versionTimes);
  rows.push({ measure: 'evforge --version (s, median of 11, min–max)', value: spread(versionTimes, 3), baseline: `${spread(nodeTimes, 3)} (node -e 0)`, ratio: round(version / nodeStart, 1).toString(), goal: '≤ 3× node -e 0', met: version <= 3 * nodeStart });
  log(`--version: ${round(version, 3)} s, node -e 0: ${round(nodeStart, 3)} s`);
  const results: { n: number; generate: number[]; check: number[] }[] = [];
  for (const n of [1, 10, 100, 1000]) {
    // Inside the package (gitignored), so the definitions import 'evforge' as a user's would.
    mkdirSync(join(ROOT, '.evforge/tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.evforge/tmp', `scale-${n}-`));
    mkdirSync(join(dir, 'examples'));
    for (let i = 0; i < n; i++) writeFileSync(join(dir, 'examples', `synthetic-${String(i).padStart(4, '0')}.ts`), syntheticDefinition(i));
    wall(process.execPath, [bin, 'generate'], dir); // warms tsx's transform cache, as any second run has it
    const runs = Array.from({ length: n >= 1000 ? 3 : n >= 100 ? 5 : 9 }, (_, k) => k);
    // Into a folder that never held files: on this disk (ext4, mounted with discard) writing right
    // after deleting thousands of files is several times slower, which measures the disk, not evforge.
    const generate = runs.map((k) => wall(process.execPath, [bin, 'generate', '--out', `fresh-${k}`], dir));
    const check = runs.map(() => wall(process.execPath, [bin, 'check'], dir));
    results.push({ n, generate, check });
    log(`generate ${n}: ${round(median(generate))} s, check ${round(median(check))} s`);
    rmSync(dir, { recursive: true, force: true });
  }
  const goals: Record<number, { goal: string; met: (s: number) => boolean }> = { 1: { goal: '≤ 0.5 s', met: (s) => s <= 0.5 }, 1000: { goal: '< 5 s', met: (s) => s < 5 } };
  for (const r of results) {
    const g = goals[r.n];
    const worst = Math.max(median(r.generate), median(r.check));
    rows.push({
      measure: `evforge generate / check, ${r.n} definition${r.n === 1 ? '' : 's'} (s, median of ${r.generate.length}, min–max)`,
      value: `${spread(r.generate)} / ${spread(r.check)}`,
      baseline: `${round(nodeStart, 3)} (node -e 0)`,
      ratio: round(median(r.generate) / nodeStart, 1).toString(),
      ...(g ? { goal: g.goal, met: g.met(worst) } : {}),
    });
  }
  // One data stream of 400 members (issue 21): one pipeline and one mapping for all of them.
  {
    mkdirSync(join(ROOT, '.evforge/tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.evforge/tmp', 'members-400-'));
    writeDefinitions(join(dir, 'examples'), syntheticDefinitions(400), 'windows.security_synthetic');
    wall(process.execPath, [bin, 'generate'], dir); // warms tsx's transform cache, as any second run has it
    const runs = [0, 1, 2, 3, 4];
    const generate = runs.map((k) => wall(process.execPath, [bin, 'generate', '--out', `fresh-${k}`], dir));
    const check = runs.map(() => wall(process.execPath, [bin, 'check'], dir));
    const worst = Math.max(median(generate), median(check));
    log(`generate 400 members: ${round(median(generate))} s, check ${round(median(check))} s`);
    rows.push({
      measure: 'evforge generate / check, 400 member definitions in one data stream (s, median of 5, min–max)',
      value: `${spread(generate)} / ${spread(check)}`,
      baseline: `${round(nodeStart, 3)} (node -e 0)`,
      ratio: round(median(generate) / nodeStart, 1).toString(),
      goal: '≤ 2 s',
      met: worst <= 2,
    });
    rmSync(dir, { recursive: true, force: true });
  }
  // The slope between consecutive sizes: a fixed start-up cost, then a flat cost per definition.
  const at = (i: number) => ({ n: results[i]!.n, s: median(results[i]!.generate) });
  const slope = (from: { n: number; s: number }, to: { n: number; s: number }) => round(((to.s - from.s) / (to.n - from.n)) * 1000, 1);
  notes.push(`Generator growth: a fixed ${round(at(0).s, 2)} s (Node, evforge's compiled code and tsx for the definition starting, vs ${round(nodeStart, 3)} s for bare Node and ${round(version, 3)} s for \`--version\`), then ${slope(at(1), at(2))} ms per definition from 10 to 100 and ${slope(at(2), at(3))} ms from 100 to 1 000; check follows the same line.`);
}
