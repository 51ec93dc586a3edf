import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers.ts';

/**
 * One registry per kind (docs/architecture.md#module-map), proved by the compiler: a copy of src/
 * gains a new artifact kind and a new cluster object kind, and `tsc` must fail in every table that
 * has to handle them — no switch with a silent default lets a new kind through.
 */
describe('one registry per kind', function () {
  this.timeout(120_000);
  let dir: string;
  let errors: string;

  before(() => {
    // Inside the repo, so the copy resolves the project's node_modules and is an ES module like it.
    mkdirSync(join(ROOT, '.evforge', 'tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.evforge', 'tmp', 'kinds-'));
    cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'evforge-kinds', type: 'module' }));
    const edit = (file: string, from: string, to: string) => {
      const path = join(dir, 'src', file);
      const text = readFileSync(path, 'utf8');
      assert.ok(text.includes(from), `${file} no longer contains ${JSON.stringify(from)}: update this test`);
      writeFileSync(path, text.replace(from, to));
    };
    edit('generate/index.ts', '  field_docs: FieldDocsBody;\n}', '  field_docs: FieldDocsBody;\n  new_artifact: { x: 1 };\n}');
    edit('terms.ts', "'security_analytics_rule'] as const;", "'security_analytics_rule', 'new_object'] as const;");
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...tsconfig.compilerOptions, types: ['node'] }, include: ['src'] }));
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], { encoding: 'utf8', cwd: dir });
      errors = '';
    } catch (err) {
      errors = String((err as { stdout?: string }).stdout ?? err);
      if (process.env["EVFORGE_SHOW_TSC"]) console.log(errors);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  it('fails only where a kind must be handled (the tables, and code that looks a kind up in them)', () => {
    const lines = errors.split('\n').filter((l) => /error TS\d+/.test(l));
    const files = new Set(lines.map((l) => /^(src\/[^(]+)\(/.exec(l)?.[1]));
    const allowed = new Set([...mustFail.map(([f]) => `src/${f}`), 'src/cli/commands/push.ts', 'src/cli/print-plan.ts', 'src/verify/tests.ts']);
    assert.deepEqual([...files].filter((f) => !allowed.has(f!)), [], lines.join('\n').slice(0, 2000));
    // A missing key, an unhandled case reaching assertNever, or a lookup by a kind the table lacks.
    for (const l of lines) assert.match(l, /error TS(1360|2345|2536|2741|7053):/, l);
  });

  const mustFail = [
    ['generate/index.ts', 'the artifact kinds\' file extensions (EXTENSIONS)'],
    ['render/serialize.ts', 'the serializer'],
    ['plan/classify.ts', 'the change classifier'],
    ['plan/objects.ts', 'which cluster object an artifact becomes'],
    ['terms.ts', 'the object labels'],
    ['io/cluster/cluster.ts', 'how the cluster reads and writes each object kind'],
  ] as const;
  for (const [file, what] of mustFail) {
    it(`a new kind does not compile until ${what} handles it (src/${file})`, () => {
      assert.ok(errors.length > 0, 'tsc accepted a kind nothing handles');
      assert.match(errors, new RegExp(`src/${file.replace('.', '\\.')}\\(\\d+,\\d+\\): error TS`), errors.slice(0, 2000));
    });
  }
});
