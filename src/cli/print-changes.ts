import type { SchemaChange } from '../plan/classify.ts';
import { bumpOf } from '../plan/classify.ts';
import { suggestedVersion, type OwnershipProblem, type VersionProblem } from '../manifest/manifest.ts';
import type { ManifestProblem } from '../api/mappings.ts';
import { wrappedList } from '../render/handlebars.ts';
import type { Output } from './output.ts';

/** One line per change: severity, area, path, what, and why for breaking ones. */
export function printChanges(changes: readonly SchemaChange[], out: (line: string) => void, indent = '    '): void {
  const order = { breaking: 0, compatible: 1, docs: 2 };
  const sorted = [...changes].sort((a, b) => order[a.severity] - order[b.severity] || a.event.localeCompare(b.event) || a.path.localeCompare(b.path));
  for (const c of sorted) {
    const engine = c.engine === 'any' ? '' : ` [${c.engine}]`;
    out(`${indent}${c.severity.padEnd(10)} ${c.area.padEnd(8)} ${c.path}${engine}: ${c.summary}${c.why ? ` — ${c.why}` : ''}`);
  }
}

function count(changes: readonly SchemaChange[]): string {
  const n = (s: SchemaChange['severity']) => changes.filter((c) => c.severity === s).length;
  return [`${n('breaking')} breaking`, `${n('compatible')} compatible`, `${n('docs')} documentation`].filter((t) => !t.startsWith('0 ')).join(', ');
}

/** From this many definitions needing the same bump for the same changes, they are said once (a change to a data stream's shared objects reaches every member). */
export const GROUPED_FROM = 4;

/** What a problem's changes say, whichever definition they are counted for. */
const changesKey = (p: VersionProblem) => JSON.stringify([bumpOf(p.from, p.to), p.needed, ...p.changes.map((c) => [c.severity, c.area, c.engine, c.path, c.summary, c.why ?? ''])]);

export function printVersionProblems(problems: readonly VersionProblem[], o: Output): void {
  const groups = new Map<string, VersionProblem[]>();
  for (const p of problems) groups.set(changesKey(p), [...(groups.get(changesKey(p)) ?? []), p]);
  const grouped = new Set([...groups.values()].filter((g) => g.length >= GROUPED_FROM && bumpOf(g[0]!.from, g[0]!.to) === 'same').flat());
  for (const g of groups.values()) {
    const [first] = g;
    if (!first || !grouped.has(first)) continue;
    o.err(`✖ ${g.length} definitions: the generated artifacts changed (${count(first.changes)}) but their schemaVersions did not`);
    o.err(`  → at the schemaVersion of ${g[0]!.source} … ${g.at(-1)!.source}`);
    const shown = g.slice(0, 3).map((p) => `${p.event} ${p.from} → ${suggestedVersion(p)}`).join(', ');
    o.err(`  hint: give each a ${first.needed} bump (${shown}${g.length > 3 ? `, … ${g.length - 3} more` : ''}), then run \`npx evforge generate\``);
    for (const line of wrappedList(g.map((p) => p.event), 100).split('\n')) o.err(`    ${line}`);
    printChanges(first.changes.filter((c) => c.event === first.event), (l) => o.err(l));
  }
  for (const p of problems) {
    if (grouped.has(p)) continue;
    const move = bumpOf(p.from, p.to);
    o.err(
      move === 'same'
        ? `✖ ${p.event}: the generated artifacts changed (${count(p.changes)}) but schemaVersion is still ${p.from}`
        : move === 'down'
          ? `✖ ${p.event}: schemaVersion went down from ${p.from} to ${p.to}`
          : `✖ ${p.event}: schemaVersion ${p.from} → ${p.to} is a ${move} bump, but these changes need a ${p.needed} one`,
    );
    o.err(`  → at ${p.source}: schemaVersion`);
    o.err(`  hint: set schemaVersion to "${suggestedVersion(p)}" (a ${p.needed} bump), then run \`npx evforge generate\``);
    printChanges(p.changes, (l) => o.err(l));
  }
}

/** A named definition would rewrite a data stream other definitions share: who owns it, and the ways out. */
export function printOwnershipProblems(problems: readonly OwnershipProblem[], o: Output, command: 'generate' | 'check'): void {
  for (const p of problems) {
    const others = p.others.map((x) => `${x.event} (${x.definition})`).join(', ');
    o.err(`✖ data stream logs-${p.dataset}-* is shared with ${others}, which ${p.others.length === 1 ? 'was' : 'were'} not given`);
    o.err(`  → ${command} of ${p.given.join(', ')} would rewrite its pipeline, templates and docs without ${p.others.length === 1 ? 'that definition' : 'those definitions'}`);
    o.err(`  hint: name every definition of the data stream (\`npx evforge ${command} ${[...p.others.map((x) => x.definition)].join(' ')} …\`), run \`npx evforge ${command}\` without files, or pass --take-over to make the named definitions its only members`);
  }
}

/**
 * Manifests that could not be read, each problem located, and what the command does about it
 * (docs/versioning.md, "A broken manifest"): generate rewrites the folder's only when a valid
 * manifest holds its histories, and says so; check fails on the folder's.
 */
export function printManifestProblems(problems: readonly ManifestProblem[], o: Output, command: 'generate' | 'check'): void {
  for (const p of problems) {
    const count = `${p.issues.length} problem${p.issues.length === 1 ? '' : 's'}`;
    const head =
      p.action === 'ignore'
        ? `! ${p.label} cannot be read (${count}): versions are checked against ${p.historyFrom ?? 'the folder\'s manifest'} instead`
        : p.action === 'rewrite'
          ? command === 'generate'
            ? `! ${p.label} could not be read (${count}): rewritten from the definitions, its histories taken from ${p.historyFrom ?? 'the last commit'}`
            : `✖ ${p.label} cannot be read (${count})`
          : `✖ ${p.label} cannot be read (${count}): no valid manifest holds its histories, so ${command === 'generate' ? 'evforge does' : 'generate will'} not rewrite it`;
    o.err(head);
    for (const i of p.issues) {
      o.err(`  ✖ ${i.message}`);
      o.err(`    → at ${i.path}`);
    }
    const fix = p.issues[0]?.hint;
    if (p.action === 'rewrite' && command === 'check') o.err(`  hint: run \`npx evforge generate\`: it rewrites it, its histories taken from ${p.historyFrom ?? 'the last commit'}`);
    else if (p.action !== 'rewrite' && fix) o.err(`  hint: ${fix}`);
  }
}
