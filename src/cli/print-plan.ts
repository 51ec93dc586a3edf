import type { DiffResult } from '../api/push.ts';
import type { ClusterInfo } from '../io/cluster/cluster.ts';
import { OBJECT_LABELS } from '../terms.ts';
import { countChanges, type Change } from '../plan/plan.ts';
import type { Output } from './output.ts';
import { printChanges } from './print-changes.ts';
import { limitsLine } from './print-limits.ts';

const SYMBOL = { create: '+', update: '~', unchanged: '=' } as const;

/** `OpenSearch 2.19.1 at http://… (cluster name)`: a connected cluster, or the info a result carries. */
export function describeCluster(cluster: { readonly info: ClusterInfo }): string {
  const i = cluster.info;
  return `${i.distribution} ${i.version} at ${i.url}${i.clusterName ? ` (cluster ${i.clusterName})` : ''}`;
}

/** The plan as people read it: one line per object, a diff under each update (unless `diffs` is false), then the totals. */
export function printPlan(changes: readonly Change[], out: Output, showUnchanged = true, diffs = true): void {
  const width = Math.max(...changes.map((c) => OBJECT_LABELS[c.kind].length));
  for (const c of changes) {
    if (c.action === 'unchanged' && !showUnchanged) continue;
    out.out(`  ${SYMBOL[c.action]} ${c.action.padEnd(9)} ${OBJECT_LABELS[c.kind].padEnd(width)}  ${c.name}`);
    if (c.owners?.notEvforges) {
      out.out(`      owners: not evforge's (${c.owners.notEvforges}) → ${c.owners.after.join(', ')}; push refuses without --take-over`);
    } else if (c.owners) {
      const foreign = c.owners.foreign.length ? ` (${c.owners.foreign.join(', ')} not given: push refuses without --take-over)` : '';
      out.out(`      owners: ${c.owners.before.join(', ')} → ${c.owners.after.join(', ')}${foreign}`);
    }
    if (c.diff && diffs) out.out(c.diff.split('\n').map((l) => `      ${l}`).join('\n'));
    if (c.rollout) {
      const how = {
        in_place: `compatible: the mapping of ${c.rollout.writeIndex} is updated in place (the data stream keeps its write index)`,
        rollover: `breaking: the data stream is rolled over; ${c.rollout.writeIndex} keeps its mapping and stays searchable`,
        refused: 'breaking: refused without --allow-breaking (which rolls the data stream over)',
      }[c.rollout.mode];
      out.out(`      ${how}`);
      printChanges(c.rollout.changes, (l) => out.out(l), '        ');
    }
  }
  const n = countChanges(changes);
  out.out(`Plan: ${n.create} to create, ${n.update} to update, ${n.unchanged} unchanged.`);
}

/** Each data stream against the cluster's limits, one line each (print-limits.ts), and why defaults stand in, if they do. */
export function printPlanLimits(plan: DiffResult, out: Output): void {
  for (const m of plan.limits.measures) out.out(`  limits of logs-${m.dataset}-* (script size limit: ${plan.limits.engine.from}): ${limitsLine([m], plan.limits.engine)}`);
  if (plan.limits.note) out.out(`  note: ${plan.limits.note}`);
}
