import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../../helpers.ts';

/**
 * The house's rules (docs/architecture.md#module-map), read from the code's own imports: no two folders of
 * src/ import each other, even through others, and the pure folders never import I/O or the CLI.
 */
const SRC = join(ROOT, 'src');
const PURE = ['definition', 'generate', 'rules', 'render', 'plan', 'manifest', 'verify', 'import'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** `definition`, `io`, … for a folder of src/; the file name for a file at its root. */
const folderOf = (file: string) => relative(SRC, file).split('/')[0]!;

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files(SRC)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? graph.set(from, new Set()).get(from)!;
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)) {
      const target = resolve(dirname(file), m[1]!);
      if (!target.startsWith(SRC)) continue;
      const to = folderOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

describe('the folders of src/', () => {
  const graph = folderGraph();

  it('import each other in one direction only: no folder-level cycle', () => {
    const cycles: string[] = [];
    const walk = (node: string, path: string[]) => {
      for (const next of graph.get(node) ?? []) {
        const at = path.indexOf(next);
        if (at >= 0) cycles.push([...path.slice(at), next].join(' → '));
        else walk(next, [...path, next]);
      }
    };
    for (const start of graph.keys()) walk(start, [start]);
    assert.deepEqual([...new Set(cycles)], []);
    assert.ok(graph.size >= 10, `read ${graph.size} folders`);
  });

  it('keep the core pure: no import of io/ or cli/ from definition, generate, rules, render, plan, manifest, verify or import', () => {
    for (const f of PURE) assert.deepEqual([...(graph.get(f) ?? [])].filter((t) => t === 'io' || t === 'cli'), [], f);
    assert.ok(graph.get('cli')?.has('io'), 'the graph is read (cli uses io)');
  });

  it('keep io/ an adapter: it imports no folder above definition/ (files, clients, formats and threads only; orchestration is api/)', () => {
    const above = [...PURE.filter((f) => f !== 'definition'), 'api', 'cli'];
    assert.deepEqual([...(graph.get('io') ?? [])].filter((t) => above.includes(t)), []);
    assert.ok(graph.get('io')?.has('definition'), 'the graph is read (io loads definitions)');
  });

  it('have one application layer: only api/ (and the CLI and the library entry above it) orchestrate; no second one beside it', () => {
    assert.deepEqual([...graph.keys()].filter((f) => f === 'replay'), [], 'replay/ lives in api/');
    for (const [from, to] of graph) if (from !== 'cli' && from !== 'index.ts') assert.ok(!to.has('api') || from === 'api', `${from} imports api/`);
  });
});
