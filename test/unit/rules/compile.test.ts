import assert from 'node:assert/strict';
import { UnsupportedError, compileDsl, compileEql, compileEsql, compileKql, compileLucene, escapeLucene } from '../../../src/rules/compile.ts';
import type { FieldRef, Query } from '../../../src/rules/sigma.ts';

const kw = (name: string): FieldRef => ({ name, type: 'keyword' });
const channel: Query = { kind: 'equals', field: kw('winlog.channel'), value: 'Microsoft-Windows-NTLM/Operational', cased: true };
const code: Query = { kind: 'equals', field: kw('event.code'), value: '8002', cased: true };
const ntlm: Query = { kind: 'and', items: [channel, code] };
const endsWith: Query = { kind: 'wildcard', field: kw('p'), pattern: [{ wildcard: '*' }, '\\Lsass.exe'], cased: false };
const regex: Query = { kind: 'regex', field: kw('p'), pattern: 'a/b.*', cased: true };
const absent: Query = { kind: 'not', item: { kind: 'exists', field: kw('p') } };

describe('query dialects', () => {
  it('Lucene escapes - and / like Sigma\'s reference backend', () => {
    assert.equal(compileLucene(ntlm), 'winlog.channel:Microsoft\\-Windows\\-NTLM\\/Operational AND event.code:8002');
  });
  it('Lucene escapes every reserved character and whitespace', () => {
    assert.equal(escapeLucene('a+b-c=d&e|f!g(h)i{j}k[l]m^n"o~p*q?r:s\\t/u v<w>'), 'a\\+b\\-c\\=d\\&e\\|f\\!g\\(h\\)i\\{j\\}k\\[l\\]m\\^n\\"o\\~p\\*q\\?r\\:s\\\\t\\/u\\ v\\<w\\>');
  });

  it("Lucene keeps a grouped rule's selections as groups and writes a value list as field:(a OR b), as pySigma does", () => {
    const ws = (v: string): Query => ({ kind: 'equals', field: kw('source.domain'), value: v, cased: false });
    const code8004: Query = { kind: 'equals', field: kw('event.code'), value: '8004', cased: true };
    const grouped: Query = { kind: 'and', items: [channel, { kind: 'and', items: [code8004, { kind: 'or', items: [ws('Rdesktop'), ws('Remmina')] }] }] };
    assert.equal(compileLucene(grouped), 'winlog.channel:Microsoft\\-Windows\\-NTLM\\/Operational AND (event.code:8004 AND (source.domain:(Rdesktop OR Remmina)))');
    const mixed: Query = { kind: 'or', items: [ws('a'), { kind: 'equals', field: kw('other'), value: 'b', cased: false }] };
    assert.equal(compileLucene(mixed), 'source.domain:a OR other:b', 'two fields are no value list');
    assert.equal(compileLucene({ kind: 'and', items: [code8004, { kind: 'not', item: ws('x') }] }), 'event.code:8004 AND (NOT source.domain:x)');
    assert.equal(compileLucene({ kind: 'and', items: [code8004, { kind: 'or', items: [ws('a*'.slice(0, 1)), endsWith] }] }), 'event.code:8004 AND (source.domain:a OR p:*\\\\Lsass.exe)');
  });

  const table: [string, Query, string, string, string, string][] = [
    // name, query, lucene, kql, eql, esql-where
    ['the NTLM logon rule', ntlm, 'winlog.channel:Microsoft\\-Windows\\-NTLM\\/Operational AND event.code:8002', 'winlog.channel : "Microsoft-Windows-NTLM/Operational" and event.code : "8002"', 'any where winlog.channel == "Microsoft-Windows-NTLM/Operational" and event.code == "8002"', 'winlog.channel == "Microsoft-Windows-NTLM/Operational" AND event.code == "8002"'],
    ['a case-insensitive endswith', endsWith, 'p:*\\\\Lsass.exe', 'p : *\\\\Lsass.exe', 'any where p like~ "*\\\\Lsass.exe"', 'TO_LOWER(p) LIKE "*\\\\\\\\lsass.exe"'],
    ['an absent field', absent, 'NOT _exists_:p', 'not p : *', 'any where p == null', 'p IS NULL'],
  ];
  for (const [name, q, lucene, kql, eql, esql] of table) {
    it(`compiles ${name} to Lucene, KQL, EQL and ES|QL`, () => {
      assert.equal(compileLucene(q), lucene);
      assert.equal(compileKql(q), kql);
      assert.equal(compileEql(q), eql);
      assert.equal(compileEsql(q, 'logs-x-*'), `FROM logs-x-*\n| WHERE ${esql}`);
    });
  }

  it('Query DSL is a bool.filter of terms, case_insensitive only where needed', () => {
    assert.deepEqual(compileDsl(ntlm), {
      bool: { filter: [{ term: { 'winlog.channel': { value: 'Microsoft-Windows-NTLM/Operational' } } }, { term: { 'event.code': { value: '8002' } } }] },
    });
    assert.deepEqual(compileDsl(endsWith), { bool: { filter: [{ wildcard: { p: { value: '*\\\\Lsass.exe', case_insensitive: true } } }] } });
  });

  it('a regex compiles where the dialect has regexes and is refused where it has none', () => {
    assert.equal(compileLucene(regex), 'p:/a\\/b.*/');
    assert.equal(compileEql(regex), 'any where p regex "a/b.*"');
    assert.throws(() => compileKql(regex), UnsupportedError);
  });

  it('quotes and backslashes cannot break out of a quoted value', () => {
    const hostile: Query = { kind: 'equals', field: kw('f'), value: 'a" or x:"\\', cased: true };
    assert.equal(compileKql(hostile), 'f : "a\\" or x:\\"\\\\"');
    assert.equal(compileEql(hostile), 'any where f == "a\\" or x:\\"\\\\"');
    assert.equal(compileLucene(hostile), 'f:a\\"\\ or\\ x\\:\\"\\\\');
  });
});
