import assert from 'node:assert/strict';
import YAML from 'yaml';
import ntlm from '../../../examples/ntlm-8002.ts';
import sink from '../../fixtures/valid/kitchen-sink.ts';
import { loadDefinition } from '../../../src/definition/resolve.ts';
import { indexFields } from '../../../src/generate/fields.ts';
import { buildElasticRule, buildQueries, buildSecurityAnalyticsRule, buildSigmaRule, threatFromTags } from '../../../src/generate/rules.ts';
import { sigmaSchemaErrors } from '../../../src/render/serialize.ts';

const def = loadDefinition(ntlm);
const kitchen = loadDefinition(sink);
const rule = def.detections[0]!;

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('detection rules', () => {
  for (const d of [def, kitchen]) {
    for (const r of d.detections) {
      it(`"${r.title}": every dialect carries the channel guard exactly once`, () => {
        const q = buildQueries(d, r);
        const escaped = d.channel.replace(/[-/]/g, (c) => `\\${c}`);
        if (q.lucene !== null) assert.equal(count(q.lucene, `winlog.channel:${escaped}`), 1, q.lucene);
        for (const text of [q.kql, q.eql, q.esql].filter((x): x is string => x !== null)) {
          assert.equal(count(text, 'winlog.channel'), 1, text);
        }
        assert.equal(count(JSON.stringify(q.dsl), '"winlog.channel"'), 1);
      });
      it(`"${r.title}": queries read only fields the pipeline writes`, () => {
        const written = new Set(indexFields(d).map((f) => f.path));
        const q = buildQueries(d, r);
        for (const f of q.fields) assert.ok(written.has(f), `${f} is not written`);
      });
      it(`"${r.title}": the Sigma rule and the Security Analytics rule pass the Sigma schema`, () => {
        assert.deepEqual(sigmaSchemaErrors(buildSigmaRule(d, r).rule), []);
        assert.deepEqual(sigmaSchemaErrors(buildSecurityAnalyticsRule(d, r).rule), []);
      });
    }
  }

  it('the NTLM Logon rule compiles to the Lucene string Sigma\'s reference converter writes', () => {
    assert.equal(buildQueries(def, rule).lucene, 'winlog.channel:Microsoft\\-Windows\\-NTLM\\/Operational AND event.code:8002');
  });

  it('the Sigma rule keeps id, author, level, tags and a link to its source (DRL 1.1)', () => {
    const sigma = buildSigmaRule(def, rule);
    assert.equal(sigma.rule.id, '98c3bcf1-56f2-49dc-9d8d-c66cf190238b');
    assert.equal(sigma.rule.author, 'Florian Roth (Nextron Systems)');
    assert.equal(sigma.rule.level, 'low');
    assert.deepEqual(sigma.rule.tags, ['attack.lateral-movement', 'attack.t1550.002']);
    assert.ok(sigma.rule.references?.some((u) => u.includes('SigmaHQ/sigma')));
    assert.ok(sigma.header.some((l) => l.includes('Detection-Rule-License')));
  });

  it('the Security Analytics rule names the channel as a selection of its own', () => {
    const sa = buildSecurityAnalyticsRule(def, rule).rule;
    assert.deepEqual(sa.detection['evforge_channel'], { 'winlog.channel': 'Microsoft-Windows-NTLM/Operational' });
    assert.equal(sa.detection['condition'], 'evforge_channel and (selection)');
    assert.deepEqual(sa.detection['selection'], { 'event.code': 8002 });
  });

  it('the Elastic rule: stable rule_id, risk 21 for low, T1550.002 under TA0008, author and licence', () => {
    const e = buildElasticRule(def, rule);
    assert.equal(e.rule_id, rule.id);
    assert.equal(e.risk_score, 21);
    assert.equal(e.severity, 'low');
    assert.deepEqual(e.author, ['Florian Roth (Nextron Systems)']);
    assert.equal(e.license, 'DRL-1.1');
    assert.equal(e.language, 'kuery');
    assert.deepEqual(e.threat, [
      {
        framework: 'MITRE ATT&CK',
        tactic: { id: 'TA0008', name: 'Lateral Movement', reference: 'https://attack.mitre.org/tactics/TA0008/' },
        technique: [
          {
            id: 'T1550',
            name: 'Use Alternate Authentication Material',
            reference: 'https://attack.mitre.org/techniques/T1550/',
            subtechnique: [{ id: 'T1550.002', name: 'Pass the Hash', reference: 'https://attack.mitre.org/techniques/T1550/002/' }],
          },
        ],
      },
    ]);
  });

  it('falls back to Lucene when KQL cannot express the rule, and says why', () => {
    const r = kitchen.detections[0]!;
    assert.equal(buildQueries(kitchen, r).unsupported.kql, 'KQL has no regular expressions');
    assert.equal(buildElasticRule(kitchen, r).language, 'lucene');
  });

  it('maps levels to Kibana severities and risk scores', () => {
    assert.equal(buildElasticRule(kitchen, kitchen.detections[0]!).risk_score, 73);
    assert.deepEqual([buildElasticRule(kitchen, kitchen.detections[1]!).severity, buildElasticRule(kitchen, kitchen.detections[1]!).risk_score], ['low', 1]);
  });

  it('threat entries group techniques under the tactics the tags name', () => {
    assert.deepEqual(threatFromTags(['attack.credential-access', 'attack.t1110.003', 'attack.t1110.001']).map((t) => [t.tactic.id, t.technique.map((x) => [x.id, x.subtechnique?.map((s) => s.id)])]), [['TA0006', [['T1110', ['T1110.001', 'T1110.003']]]]]);
  });

  it('YAML dates stay strings for YAML 1.1 readers (OpenSearch parses rules with SnakeYAML)', () => {
    const text = `date: ${JSON.stringify(rule.date)}`;
    assert.equal(typeof YAML.parse(text, { version: '1.1' }).date, 'string');
  });
});
