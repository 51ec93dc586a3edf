import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { startFakeElasticsearch, type FakeElasticsearch } from '../fakes/elasticsearch.ts';
import { startFakeKibana, type FakeKibana } from '../fakes/kibana.ts';
import { startFakeSecurityAnalytics, type FakeSecurityAnalytics } from '../fakes/security-analytics.ts';
import { copyProject, editFile, runCli } from '../helpers.ts';
import { resetCluster, sharedNode } from './node.ts';

/**
 * Paths that cannot run here are covered by FAKES (test/fakes/): Kibana's detection engine API,
 * the OpenSearch Security Analytics plugin (a fake in front of the real node), and Elasticsearch
 * itself: the `@elastic/elasticsearch-mock` double (test/fakes/elasticsearch.ts) served over
 * loopback HTTP, because the CLI takes a URL. Its limits: it stores and returns pipelines,
 * templates and data streams as Elasticsearch does and refuses unknown processors, but runs no
 * processor, holds no document and checks no field type or setting; so these tests show that push
 * and diff pick the Elasticsearch artifacts and converge, not that the pipeline works on
 * Elasticsearch (that runs on the real OpenSearch node only, for the OpenSearch flavour).
 */
describe('detection rules and Elasticsearch, through named fakes', function () {
  this.timeout(120_000);
  let project: ReturnType<typeof copyProject>;
  const cli = (...argv: string[]) => runCli(project.dir, argv);
  beforeEach(() => {
    project = copyProject('fakes');
  });
  afterEach(() => project.cleanup());

  describe('OpenSearch Security Analytics (FAKE plugin in front of the real node)', () => {
    let node: string;
    let sa: FakeSecurityAnalytics;
    before(async () => {
      node = await sharedNode();
      await resetCluster(node);
      sa = await startFakeSecurityAnalytics(node);
    });
    after(() => sa.close());

    it('push creates the rule with the channel selection, then re-push changes nothing', async () => {
      const first = await cli('push', '--node', sa.url);
      assert.equal(first.code, 0, first.all);
      assert.match(first.stdout, /\+ create +Security Analytics rule +98c3bcf1-56f2-49dc-9d8d-c66cf190238b/);
      const rules = sa.rules();
      assert.equal(rules.length, 3, 'one rule per detection of the NTLM channel: 8001, 8002, 8004');
      const logon = rules.find((x) => x.text.includes('98c3bcf1-56f2-49dc-9d8d-c66cf190238b'))!;
      assert.equal(logon.category, 'windows');
      const rule = YAML.parse(logon.text, { version: '1.1' }) as { detection: Record<string, unknown>; date: unknown; author: string };
      assert.deepEqual(rule.detection['evforge_channel'], { 'winlog.channel': 'Microsoft-Windows-NTLM/Operational' });
      assert.equal(rule.date, '2018-06-08', 'the date stays a string for a YAML 1.1 reader');
      assert.equal(rule.author, 'Florian Roth (Nextron Systems)');
      sa.reset();
      const again = await cli('push', '--node', sa.url);
      assert.match(again.stdout, /No changes detected/);
      assert.equal(sa.writes(), 0);
    });

    it('a changed rule is updated in place, not duplicated', async () => {
      editFile(join(project.dir, 'examples/ntlm-8002.ts'), "falsepositives: ['Legacy hosts']", "falsepositives: ['Legacy hosts', 'Backup agents']");
      const r = await cli('push', '--node', sa.url);
      assert.match(r.stdout, /~ update +Security Analytics rule +98c3bcf1-56f2-49dc-9d8d-c66cf190238b/);
      assert.equal(sa.rules().length, 3);
      const logon = sa.rules().find((x) => x.text.includes('98c3bcf1-56f2-49dc-9d8d-c66cf190238b'))!;
      assert.equal(logon.version, 2);
      assert.match(logon.text, /Backup agents/);
      assert.deepEqual(sa.rules().filter((x) => x.id !== logon.id).map((x) => x.version), [1, 1], 'the other rules are untouched');
    });
  });

  describe('Elasticsearch (FAKE node) and Kibana (FAKE)', () => {
    let es: FakeElasticsearch;
    let kibana: FakeKibana;
    beforeEach(async () => {
      es = await startFakeElasticsearch({ username: 'elastic', password: 's3cret-pw' });
      kibana = await startFakeKibana({ username: 'elastic', password: 's3cret-pw' });
    });
    afterEach(async () => {
      await es.close();
      await kibana.close();
    });
    const auth = ['--username', 'elastic'];
    const env = { EVFORGE_PASSWORD: 's3cret-pw' };

    it('push picks the Elasticsearch artifacts and client, imports the Kibana rule, and re-push is a no-op', async () => {
      const r = await runCli(project.dir, ['push', '--node', es.url, '--kibana', kibana.url, ...auth], env);
      assert.equal(r.code, 0, r.all);
      assert.match(r.stdout, /Plan for Elasticsearch 9\.1\.0/);
      assert.match(r.stdout, /✔ created Kibana rule 98c3bcf1-56f2-49dc-9d8d-c66cf190238b/);
      const pipeline = es.state.pipelines.get('logs-windows.ntlm') as { _meta?: { generated_by?: string } };
      assert.equal(pipeline._meta?.generated_by, 'evforge', 'the Elasticsearch flavour (pipelines carry _meta there, not on OpenSearch)');
      assert.deepEqual((es.state.indexTemplates.get('logs-windows.ntlm') as { composed_of: string[] }).composed_of, ['logs-windows.ntlm@settings', 'logs-windows.ntlm@mappings', 'logs-windows.ntlm@custom']);
      assert.ok(es.state.dataStreams.has('logs-windows.ntlm-default'));
      assert.equal(kibana.rules().length, 3);
      const rule = (kibana.rules() as { rule_id: string; risk_score: number; threat: { tactic: { id: string } }[] }[]).find((x) => x.rule_id === '98c3bcf1-56f2-49dc-9d8d-c66cf190238b')!;
      assert.equal(rule.rule_id, '98c3bcf1-56f2-49dc-9d8d-c66cf190238b');
      assert.equal(rule.risk_score, 21);
      assert.equal(rule.threat[0]!.tactic.id, 'TA0008');

      const esWrites = es.writes();
      const imports = kibana.imports();
      const again = await runCli(project.dir, ['push', '--node', es.url, '--kibana', kibana.url, ...auth], env);
      assert.equal(again.code, 0, again.all);
      assert.match(again.stdout, /No changes detected/);
      assert.equal(es.writes(), esWrites);
      assert.equal(kibana.imports(), imports);
    });

    it('without --kibana the plan says the rule is left out', async () => {
      const r = await runCli(project.dir, ['diff', '--node', es.url, ...auth], env);
      assert.match(r.stdout, /note: 3 Elastic Security rule\(s\) not included: pass --kibana URL/);
    });

    it('a wrong password is a clear 401 (exit 3) and no secret is printed', async () => {
      const r = await runCli(project.dir, ['push', '--node', es.url, '--username', 'elastic', '--password', 'wrong-pw-123']);
      assert.equal(r.code, 3, r.all);
      assert.match(r.stderr, /HTTP 401 security_exception/);
      assert.match(r.stderr, /hint: check the credentials/);
      assert.doesNotMatch(r.all, /wrong-pw-123/);
      assert.doesNotMatch(r.all, /s3cret-pw/);
    });

    it('credentials in the URL are used and never shown', async () => {
      const url = es.url.replace('http://', 'http://elastic:s3cret-pw@');
      const r = await runCli(project.dir, ['diff', '--node', url]);
      assert.equal(r.code, 1, r.all);
      assert.match(r.stdout, new RegExp(`at ${es.url.replace(/[.]/g, '\\.')}`));
      assert.doesNotMatch(r.all, /s3cret-pw/);
    });

    it('conflicting flags are usage errors (exit 2)', async () => {
      const both = await runCli(project.dir, ['push', '--node', es.url, '--api-key', 'k', '--username', 'u']);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /--api-key and --username\/--password are alternatives/);
      const tls = await runCli(project.dir, ['push', '--node', es.url, '--insecure', '--ca', 'ca.pem']);
      assert.equal(tls.code, 2);
      assert.match(tls.stderr, /--insecure and --ca contradict each other/);
    });

    it('an API key authenticates', async () => {
      const keyed = await startFakeElasticsearch({ apiKey: 'a2V5OnNlY3JldA==' });
      try {
        const r = await runCli(project.dir, ['push', '--node', keyed.url], { EVFORGE_API_KEY: 'a2V5OnNlY3JldA==' });
        assert.equal(r.code, 0, r.all);
        assert.doesNotMatch(r.all, /a2V5OnNlY3JldA==/);
      } finally {
        await keyed.close();
      }
    });

    it('a refused object names the object and the engine\'s reason (exit 3), after writing only what came before it', async () => {
      const put = await fetch(`${es.url}/_index_template/someone-elses`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('elastic:s3cret-pw').toString('base64')}` },
        body: JSON.stringify({ index_patterns: ['logs-windows.ntlm-*'], priority: 200 }),
      });
      assert.equal(put.status, 200);
      const r = await runCli(project.dir, ['push', '--node', es.url, ...auth], env);
      assert.equal(r.code, 3, r.all);
      assert.match(r.stderr, /✖ PUT index template logs-windows\.ntlm failed: HTTP 400 illegal_argument_exception: .*someone-elses/);
      assert.ok(es.state.componentTemplates.has('logs-windows.ntlm@mappings'), 'dependencies were written first');
      assert.ok(!es.state.dataStreams.has('logs-windows.ntlm-default'), 'nothing after the failure');
    });

    it('a CA file that is not PEM is refused before any request', async () => {
      writeFileSync(join(project.dir, 'ca.pem'), 'not a certificate');
      const before = es.requests.length;
      const r = await runCli(project.dir, ['push', '--node', es.url, '--ca', 'ca.pem', ...auth], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /✖ ca\.pem: is not a PEM certificate/);
      assert.equal(es.requests.length, before);
      assert.equal(readFileSync(join(project.dir, 'ca.pem'), 'utf8'), 'not a certificate');
    });
  });
});
