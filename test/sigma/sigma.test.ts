import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { messageOf, valueAt } from '../../src/guards.ts';
import { ROOT, reference } from '../helpers.ts';

const execFileAsync = promisify(execFile);

/**
 * Sigma's own tools on every emitted rule in mappings/: SigmaHQ's checker (`sigma check`) and pySigma's
 * Elasticsearch Lucene backend, from the pinned venv that test/sigma/setup-venv.sh builds (this test's
 * `before` runs it).
 *
 * The golden rules (test/golden/out/) are left out on purpose: they are adversarial (control
 * characters, lowercase titles, an unknown service `contoso`, `re|cased`), so SigmaHQ's style checks
 * and pySigma's Windows mappings do not apply to them.
 */

const PYTHON = join(ROOT, '.venv-sigma', 'bin', 'python');
const TOOL = join(ROOT, 'test', 'sigma', 'sigma_tool.py');
const SETUP = join(ROOT, 'test', 'sigma', 'setup-venv.sh');
/** Need MITRE's enterprise-attack.json, which nothing here serves (test/reference/sigma/validators/SOURCE.md). */
const ATTACK_VALIDATORS = ['attacktag', 'd3_fendtag', 'sigmahq_tags_techniques_without_tactics'];

function files(pattern: RegExp): string[] {
  const dir = join(ROOT, 'mappings');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f))
    .map((f) => join(dir, f))
    .sort();
}
const sigmaRules = files(/(^|\/)sigma\/[^/]+\.yml$/);
const securityAnalyticsRules = files(/(^|\/)opensearch\/detection_rule\/[^/]+\.yml$/);

function python(args: string[]): { code: number; stdout: string; out: string } {
  const r = spawnSync(PYTHON, [TOOL, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
}

/** `sigma check` on the files: its exit code, each `issue=` line and its summary line. */
function sigmaCheck(paths: string[], options: string[] = []): { code: number; issues: string[]; summary: string; out: string } {
  const data = reference('sigma/validators');
  const { code, out } = python(['check', data, ...ATTACK_VALIDATORS.flatMap((v) => ['-x', v]), ...options, ...paths.map((p) => relative(ROOT, p))]);
  const summary = /Found \d+ errors, \d+ condition errors and \d+ issues\./.exec(out)?.[0] ?? `(no summary in the checker's output:\n${out})`;
  return { code, issues: out.split('\n').filter((l) => l.startsWith('issue=')), summary, out };
}

describe("Sigma's reference tools accept the emitted rules", function () {
  this.timeout(120_000);

  before(async function () {
    // The venv is made here, so `npm test` needs nothing done by hand: the script does nothing when
    // the venv already holds the pins, and takes ~30 s from PyPI otherwise (more on a slow network).
    this.timeout(600_000);
    // Asynchronous: a cluster node the suite started keeps being served meanwhile.
    const setup = await execFileAsync(SETUP, { cwd: ROOT, encoding: 'utf8', timeout: 590_000, maxBuffer: 16 << 20 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (setup !== undefined) {
      const out = [valueAt(setup, 'stdout'), valueAt(setup, 'stderr')].filter((x) => typeof x === 'string').join('').trim().split('\n').slice(-5).join('\n');
      assert.fail(`test/sigma/setup-venv.sh failed (${messageOf(setup).split('\n')[0]}):\n${out}\nIt needs Python 3.10+ with venv and pip (PYTHON picks the interpreter) and PyPI (or PIP_INDEX_URL).`);
    }
    const probe = spawnSync(PYTHON, ['-c', 'import sigma.cli, sigma.backends.elasticsearch, sigma.pipelines.windows, sigma.validators.sigmahq'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      assert.fail(`the Sigma venv is incomplete (${PYTHON}: ${(probe.error?.message ?? probe.stderr).trim().split('\n').pop()}): remove .venv-sigma/ and run the tests again`);
    }
  });

  it('finds Sigma and Security Analytics rules in mappings/', function () {
    assert.ok(sigmaRules.length > 0, 'no mappings/**/sigma/*.yml');
    assert.equal(securityAnalyticsRules.length, sigmaRules.length, 'one Security Analytics rule per Sigma rule');
  });

  it('sigma check reports 0 errors and 0 issues on every Sigma rule, file names included', function () {
    const r = sigmaCheck(sigmaRules, ['--fail-on-issues']);
    assert.deepEqual(r.issues, []);
    assert.equal(r.summary, 'Found 0 errors, 0 condition errors and 0 issues.');
    assert.equal(r.code, 0, r.out);
  });

  it('sigma check reports nothing on the Security Analytics rules but their index field names', function () {
    // Security Analytics rules are written in index fields (event.code, winlog.channel) by design,
    // which SigmaHQ's Windows taxonomy does not know; anything else would be a real issue.
    const r = sigmaCheck(securityAnalyticsRules);
    const other = r.issues.filter((l) => !/^issue=SigmahqInvalidFieldnameIssue .* field=[a-z_]+(\.[A-Za-z0-9_]+)+$/.test(l));
    assert.deepEqual(other, []);
    assert.match(r.summary, /^Found 0 errors, 0 condition errors and \d+ issues\.$/);
    assert.equal(r.code, 0, r.out);
  });

  describe("pySigma's Lucene equals evforge's", function () {
    let converted: Record<string, Record<'ecs_windows' | 'windows-logsources+ecs_windows', string[]>>;
    before(function () {
      const { code, stdout, out } = python(['convert', ...sigmaRules.map((p) => relative(ROOT, p))]);
      assert.equal(code, 0, out);
      converted = JSON.parse(stdout) as typeof converted;
    });

    for (const rule of sigmaRules) {
      const name = relative(ROOT, rule);
      const queries = rule.replace(/\/sigma\/([^/]+)\.yml$/, '/queries/$1.json');
      const lucene = () => (JSON.parse(readFileSync(queries, 'utf8')) as { lucene: string | null }).lucene;

      it(`${name}: the Elasticsearch Lucene backend with ecs_windows gives queries/…json's lucene, byte for byte`, function () {
        assert.ok(lucene(), `${relative(ROOT, queries)} has no Lucene query`);
        assert.deepEqual(converted[name]!['ecs_windows'], [lucene()]);
      });

      it(`${name}: adding windows-logsources only repeats the channel guard ecs_windows already adds`, function () {
        // pySigma-pipeline-windows adds `Channel: <channel>`, which ecs_windows maps to winlog.channel, in
        // front of ecs_windows' own log source condition: the same query with the guard twice.
        const ours = lucene()!;
        const guard = /^winlog\.channel:\S+/.exec(ours)?.[0];
        assert.ok(guard, `evforge's Lucene does not start with the channel guard: ${ours}`);
        const base = converted[name]!['ecs_windows'][0]!;
        assert.ok(base.startsWith(`${guard} AND `), base);
        assert.deepEqual(converted[name]!['windows-logsources+ecs_windows'], [`${guard} AND (${base})`]);
      });
    }
  });
});
