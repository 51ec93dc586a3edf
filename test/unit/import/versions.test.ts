import assert from 'node:assert/strict';
import { generateAll } from '../../../src/index.ts';
import { readManifest } from '../../../src/import/manifest.ts';
import type { EventDescription } from '../../../src/import/provider.ts';
import { unionOfVersions } from '../../../src/import/versions.ts';
import { decodeText, parseXml } from '../../../src/import/xml.ts';
import { FEATURES_MAN, SECURITY_10, SECURITY_7, definitionOf, fieldList, fixture, issuesOf, plan, text } from './helpers.ts';

/** Every event id of a manifest with its versions' descriptions. */
function versionsById(rel: string): Map<number, EventDescription[]> {
  const src = fixture(rel);
  const [provider] = readManifest(parseXml(decodeText(src.bytes), rel), rel);
  const out = new Map<number, EventDescription[]>();
  for (const e of provider?.events ?? []) out.set(e.id, [...(out.get(e.id) ?? []), e]);
  return out;
}

describe('one definition per event id covers all its versions', () => {
  it('Security 4624: v0 → v1 → v2 appends, so the fields are v2\'s in order, those added later with since', async () => {
    const p = await plan([fixture(SECURITY_10)], { channel: 'Security', events: [4624] });
    const d = definitionOf(p, 4624);
    assert.equal(d.version, 2, 'the newest version');
    const since = Object.fromEntries(d.fields.filter((f) => f.since !== undefined).map((f) => [f.name, f.since]));
    assert.deepEqual(since, { ImpersonationLevel: 1, RestrictedAdminMode: 2, TargetOutboundUserName: 2, TargetOutboundDomainName: 2, VirtualAccount: 2, TargetLinkedLogonId: 2, ElevatedToken: 2 });
    assert.equal(d.fields.length, 27);
    assert.deepEqual(d.fields.slice(0, 3).map((f) => f.name), ['SubjectUserSid', 'SubjectUserName', 'SubjectDomainName']);
    assert.ok(d.fields.every((f) => f.until === undefined && f.earlierTypes === undefined));
  });

  it('finds that Windows does not only append: 21 of the 38 multi-version ids of Win10 18990 Security-Auditing insert, drop, rename or retype', () => {
    const byId = versionsById(SECURITY_10);
    const multi = [...byId].filter(([, v]) => v.length > 1);
    const notAppend = multi.filter(([, versions]) => {
      const sorted = [...versions].sort((a, b) => a.version - b.version);
      return sorted.some((v, i) => {
        const next = sorted[i + 1];
        return next !== undefined && JSON.stringify(next.fields.slice(0, v.fields.length)) !== JSON.stringify(v.fields);
      });
    });
    assert.equal(byId.size, 416);
    assert.equal([...byId.values()].reduce((n, v) => n + v.length, 0), 458);
    assert.equal(multi.length, 38);
    assert.deepEqual(notAppend.map(([id]) => id), [4616, 4656, 4661, 4816, 4928, 4929, 4930, 4931, 4932, 4933, 4937, 5058, 5059, 5125, 5140, 5452, 6272, 6273, 6274, 6275, 6416]);
  });

  it('imports them as a union: an inserted field has since, a dropped one until, a retyped one its earlier type', async () => {
    const p = await plan([fixture(SECURITY_10)], { channel: 'Security', events: [4656, 6272, 4616, 4928, 4816] });
    const f4656 = definitionOf(p, 4656).fields;
    assert.deepEqual(f4656.slice(9, 12).map((f) => [f.name, f.since]), [['AccessList', undefined], ['AccessReason', 1], ['AccessMask', undefined]], 'AccessReason is inserted in the middle in v1');
    const f6272 = definitionOf(p, 6272).fields;
    assert.deepEqual(f6272.filter((f) => f.until !== undefined).map((f) => [f.name, f.until]), [['MachineInventory', 1], ['QuarantineState', 1], ['QuarantineSessionIdentifier', 1]], 'dropped in v2, listed after v2\'s fields');
    assert.deepEqual(f6272.slice(-3).map((f) => f.name), ['MachineInventory', 'QuarantineState', 'QuarantineSessionIdentifier']);
    const f4616 = definitionOf(p, 4616).fields;
    assert.deepEqual(f4616.find((f) => f.name === 'PreviousTime'), { name: 'PreviousTime', type: 'FILETIME', description: 'Data item PreviousTime of the template.', earlierTypes: [{ type: 'UnicodeString', until: 0 }] });
    assert.deepEqual(f4616.find((f) => f.name === 'PreviousDate')?.until, 0);
    assert.deepEqual(definitionOf(p, 4928).fields.find((f) => f.name === 'Options')?.earlierTypes, [{ type: 'UInt32', until: 0 }]);
    assert.deepEqual(definitionOf(p, 4816).fields.map((f) => [f.name, f.since ?? f.until]), [['PeerName', 1], ['ProtocolSequence', 1], ['SecurityError', 1], ['param1', 0], ['param2', 0], ['param3', 0]], 'renamed items are a drop and an add');
  });

  it('a union of appends, an insert and a retype from one manifest (Evforge-Test-Templates 4, versions 0–2)', async () => {
    const p = await plan([fixture(FEATURES_MAN)], { events: [4] });
    const d = definitionOf(p, 4);
    assert.deepEqual(fieldList(d), ['User:UnicodeString', 'Domain:UnicodeString', 'Mode:UInt64', 'Elevated:Boolean']);
    assert.deepEqual(d.fields.map((f) => [f.since, f.earlierTypes]), [[undefined, undefined], [2, undefined], [undefined, [{ type: 'UInt32', until: 1 }]], [1, undefined]]);
    assert.equal(d.message, '%2\\%1 logged on.\nMode: %3\nElevated: %4', "the newest version's message: its %n are the newest template's positions");
    assert.equal(d.description, '<Domain>\\<User> logged on.');
  });

  it('every definition of the whole Security-Auditing manifest validates, and the field reference says which version has which field', async () => {
    const p = await plan([fixture(SECURITY_10)], { channel: 'Security' });
    assert.equal(p.definitions.length, 416);
    assert.equal(p.files.size, 416);
    const docsOf = (id: number) => [...generateAll(definitionOf(p, id), { engines: ['opensearch'] }).files].find(([path]) => path.endsWith('fields.md'))?.[1] ?? '';
    const docs = docsOf(4624);
    assert.match(docs, /\| %27 \| `ElevatedToken` \| UnicodeString \| {2}\| {2}\| {2}\| Since version 2\. Data item ElevatedToken of the template\. \|/);
    const docs4616 = docsOf(4616);
    assert.match(docs4616, /`PreviousTime` \| FILETIME \|.*\| UnicodeString up to version 0\. /);
    assert.match(docs4616, /`PreviousDate` \| UnicodeString \|.*\| Up to version 0\. /);
  });

  it('a field that leaves and comes back cannot be said with since/until: a located refusal', async () => {
    const man = `<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events"><instrumentation><events>
<provider name="Contoso-Gaps" guid="{11111111-2222-3333-4444-555555555555}"><channels><importChannel chid="app" name="Application"/></channels>
<templates><template tid="a"><data name="X" inType="win:UInt32"/><data name="Y" inType="win:UInt32"/></template>
<template tid="b"><data name="X" inType="win:UInt32"/></template></templates>
<events><event value="9" version="0" channel="app" template="a"/><event value="9" version="1" channel="app" template="b"/>
<event value="9" version="2" channel="app" template="a"/></events></provider></events></instrumentation></instrumentationManifest>`;
    const issues = await issuesOf(() => plan([text('gaps.man', man)]));
    assert.deepEqual(issues.map((i) => [i.code, i.path]), [['E_IMPORT_VERSION_GAP', 'gaps.man:6']]);
    assert.match(issues[0]?.message ?? '', /event 9: data item "Y" is in versions 0, 2 but not in version 1 between them/);
  });

  it('the Windows 7 manifest of the same provider has fewer versions (4624 up to v0)', async () => {
    const p = await plan([fixture(SECURITY_7)], { channel: 'Security', events: [4624] });
    assert.equal(definitionOf(p, 4624).version, 0);
    assert.equal(definitionOf(p, 4624).fields.length, 20);
  });

  it('unionOfVersions of one version is that version', () => {
    const [e] = versionsById(SECURITY_10).get(4625) ?? [];
    assert.ok(e);
    const u = unionOfVersions([e]);
    assert.deepEqual(u.versions, [0]);
    assert.deepEqual(u.fields.map((f) => f.name), e.fields.map((f) => f.name));
  });
});
