import { DEFAULT_LIMITS, effectiveLimits, type DataStreamMeasure, type EngineLimits, type LimitProblem } from '../generate/limits.ts';
import type { Output } from './output.ts';

/**
 * One data stream's standing against the engine limits, the worst of its engines on each:
 * `largest script 5321 of 65535 bytes (opensearch ingest pipeline logs-x, processors[4].script.source); 187 of 2000 fields; depth 4 of 20`.
 */
export function limitsLine(measures: readonly DataStreamMeasure[], limits: EngineLimits = DEFAULT_LIMITS): string {
  const worst = <T>(pick: (m: DataStreamMeasure) => T | undefined, size: (t: T) => number) =>
    measures.reduce<{ m: DataStreamMeasure; t: T } | undefined>((best, m) => {
      const t = pick(m);
      return t !== undefined && (!best || size(t) > size(best.t)) ? { m, t } : best;
    }, undefined);
  const script = worst((m) => m.largestScript, (s) => s.bytes);
  const fields = worst((m) => m.fields, (n) => n);
  const depth = worst((m) => m.depth, (n) => n);
  const parts = [
    script ? `largest script ${script.t.bytes} of ${effectiveLimits(script.m, limits).script} bytes (${script.t.object}, ${script.t.at})` : 'no script',
    fields ? `${fields.t} of ${effectiveLimits(fields.m, limits).fields} fields` : undefined,
    depth ? `depth ${depth.t} of ${effectiveLimits(depth.m, limits).depth}` : undefined,
  ];
  return parts.filter((p) => p !== undefined).join('; ');
}

/** Limits a data stream would go over, each as `✖ message` / `→ at object` / `hint:`. */
export function printLimitProblems(problems: readonly LimitProblem[], o: Output): void {
  for (const p of problems) {
    o.err(`✖ ${p.message}`);
    o.err(`  → at ${p.object}`);
    o.err(`  hint: ${p.hint}`);
  }
}
