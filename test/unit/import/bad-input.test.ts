import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers.ts';
import { NTLM_10, SECURITY_10, WEP_NTLM, definitionOf, fixture, issuesOf, plan, text } from './helpers.ts';

/** A small manifest around `body` (inside <provider>), one line per tag, so errors have lines to name. */
const manifest = (body: string) =>
  [
    '<instrumentationManifest xmlns="http://schemas.microsoft.com/win/2004/08/events">',
    '<instrumentation><events>',
    '<provider name="Contoso-Test" guid="{11111111-2222-3333-4444-555555555555}">',
    '<channels><importChannel chid="app" name="Application"/></channels>',
    body,
    '</provider></events></instrumentation>',
    '</instrumentationManifest>',
  ].join('\n');

describe('evforge import refuses bad input with one located error each, and plans nothing', () => {
  it('a file that is not XML', async () => {
    const issues = await issuesOf(() => plan([text('provider.json', '{"Events": []}')]));
    assert.deepEqual(issues, [{ code: 'E_IMPORT_NOT_XML', path: 'provider.json:1', message: 'provider.json is not XML (it starts with "{\\"Events\\": []}")', hint: 'give an instrumentation manifest (.man, <instrumentationManifest>) or a WEPExplorer dump (<Providers>)' }]);
  });

  it('XML that is not well-formed, at its line and column', async () => {
    const issues = await issuesOf(() => plan([text('broken.man', manifest('<templates><template tid="t"></templates>'))]));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.code, 'E_IMPORT_XML');
    assert.equal(issues[0]?.path, 'broken.man:5');
    assert.match(issues[0]?.message ?? '', /^not well-formed XML: unexpected close tag\. \(column \d+\)$/);
  });

  it('XML of another schema: Windows events, not their description (one <Events> root, or events one after another)', async () => {
    const file = (rel: string) => ({ path: rel, bytes: readFileSync(join(ROOT, rel)) });
    const rooted = await issuesOf(() => plan([file('examples/events/windows/ntlm-get-winevent.xml')]));
    assert.deepEqual(rooted.map((i) => [i.code, i.path]), [['E_IMPORT_FORMAT', 'examples/events/windows/ntlm-get-winevent.xml:2']]);
    assert.equal(rooted[0]?.message, 'examples/events/windows/ntlm-get-winevent.xml is <Events>, not a provider description evforge reads');
    assert.match(rooted[0]?.hint ?? '', /instrumentation manifests .* and WEPExplorer dumps/);
    const listed = await issuesOf(() => plan([file('examples/events/windows/ntlm-wevtutil.xml')]));
    assert.deepEqual(listed.map((i) => [i.code, i.path]), [['E_IMPORT_FORMAT', 'examples/events/windows/ntlm-wevtutil.xml:2']]);
    assert.match(listed[0]?.message ?? '', /^the file holds several top-level elements \(the first is <Event xmlns="http:\/\/schemas\.microsoft\.com\/win\/2004\/08\/events\/event">\), not one provider description$/);
  });

  it('an event whose template does not exist', async () => {
    const issues = await issuesOf(() => plan([text('t.man', manifest('<events>\n<event value="1" channel="app" template="Missing"/>\n</events>'))]));
    assert.deepEqual(issues, [{ code: 'E_IMPORT_TEMPLATE', path: 't.man:6', message: 'event 1 version 0 refers to template "Missing", which the provider does not declare', hint: 'declare <template tid="Missing"> in <templates>, or correct template="…"' }]);
  });

  it('the same event id and version twice, in one file and across two files', async () => {
    const twice = manifest('<events>\n<event value="1" channel="app"/>\n<event value="1" channel="app"/>\n</events>');
    const one = await issuesOf(() => plan([text('t.man', twice)]));
    assert.deepEqual(one.map((i) => [i.code, i.path, i.message]), [['E_IMPORT_DUPLICATE', 't.man:7', 'event 1 version 0 of Contoso-Test is described twice (first at t.man:6)']]);
    const two = await issuesOf(() => plan([fixture(NTLM_10), fixture(WEP_NTLM)], { events: [8001], channel: 'X' }));
    assert.deepEqual(two.map((i) => i.code), ['E_IMPORT_DUPLICATE']);
    assert.match(two[0]?.message ?? '', /^event 8001 version 0 of Microsoft-Windows-NTLM is described twice \(first at manifests\/Win10-18990\.Microsoft-Windows-NTLM\.xml:\d+\)$/);
    assert.match(two[0]?.path ?? '', /^wepexplorer\/W10-1507\.Microsoft-Windows-NTLM\.xml:\d+$/);
  });

  it('--events naming an id the file of another provider does not describe', async () => {
    const issues = await issuesOf(() => plan([fixture(SECURITY_10)], { events: [8001, 4624] }));
    assert.deepEqual(issues, [
      {
        code: 'E_IMPORT_NO_EVENT',
        path: 'manifests/Win10-18990.Microsoft-Windows-Security-Auditing.xml',
        message: '--events names event 8001, which manifests/Win10-18990.Microsoft-Windows-Security-Auditing.xml (Microsoft-Windows-Security-Auditing) does not describe',
        hint: 'give the description of the provider that writes event 8001, or leave it out of --events',
      },
    ]);
  });

  it('an in-type evforge does not know, naming the type, the item and the file', async () => {
    const issues = await issuesOf(() => plan([text('t.man', manifest('<templates><template tid="t">\n<data name="Text" inType="win:CountedString"/>\n</template></templates>'))]));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.code, 'E_IMPORT_TYPE');
    assert.equal(issues[0]?.path, 't.man:6');
    assert.equal(issues[0]?.message, 'data item "Text" of template t has inType win:CountedString, a type evforge does not know');
    assert.match(issues[0]?.hint ?? '', /^evforge maps these inTypes: win:UInt8, win:UInt16, .*win:Pointer; report the type/);
  });

  it('a $(string.…) the string table does not have, a <struct>, a provider level, an unknown opcode', async () => {
    const cases: [string, string, RegExp][] = [
      ['<events>\n<event value="1" channel="app" message="$(string.nope)"/>\n</events>', 'E_IMPORT_STRING', /message \$\(string\.nope\) names no string of the <localization> string table/],
      ['<templates><template tid="t">\n<struct name="Blob"><data name="A" inType="win:UInt8"/></struct>\n</template></templates>', 'E_IMPORT_STRUCT', /template t has a <struct> \(Blob\)/],
      ['<levels><level name="Loud" value="16"/></levels>\n<events>\n<event value="1" channel="app" level="Loud"/>\n</events>', 'E_IMPORT_LEVEL', /event 1 version 0 has level Loud \(value 16\), a provider-defined level/],
      ['<events>\n<event value="1" channel="app" opcode="win:Suspend"/>\n</events>', 'E_IMPORT_REFERENCE', /event 1 version 0 names opcode "win:Suspend", which the provider does not declare/],
    ];
    for (const [body, code, message] of cases) {
      const issues = await issuesOf(() => plan([text('t.man', manifest(body))]));
      assert.deepEqual(issues.map((i) => i.code), [code], body);
      assert.match(issues[0]?.message ?? '', message);
      assert.match(issues[0]?.path ?? '', /^t\.man:\d+$/);
    }
  });

  it('a WEPExplorer event whose level, task or keyword the metadata does not list, or a provider-defined level', async () => {
    const dump = (event: string, levels = '') =>
      ['<Providers><Provider><Name>Contoso-Test</Name><Metadata><Guid>{11111111-2222-3333-4444-555555555555}</Guid>', `<Levels>${levels}</Levels><Tasks></Tasks><Keywords></Keywords>`, '</Metadata><EventMetadata>', `<Event><Id>1</Id><Version>0</Version><Channel>Application</Channel>\n${event}\n</Event>`, '</EventMetadata></Provider></Providers>'].join('\n');
    const cases: [string, string, string, RegExp][] = [
      ['<Task>Nothing</Task>', '', 'E_IMPORT_REFERENCE', /^event 1 version 0 names task "Nothing", which the provider's <Metadata><Tasks> does not list$/],
      ['<Level>Loud</Level>', '', 'E_IMPORT_REFERENCE', /names level "Loud"/],
      ['<Keyword>ut:Nope</Keyword>', '', 'E_IMPORT_REFERENCE', /names keyword "ut:Nope"/],
      ['<Level>Loud</Level>', '<Level><Message>Loud</Message><Name>Loud</Name><Value>16</Value></Level>', 'E_IMPORT_LEVEL', /has level Loud \(value 16\), a provider-defined level evforge does not map/],
    ];
    for (const [event, levels, code, message] of cases) {
      const issues = await issuesOf(() => plan([text('dump.xml', dump(event, levels))]));
      assert.deepEqual(issues.map((i) => [i.code, i.path]), [[code, 'dump.xml:5']], event);
      assert.match(issues[0]?.message ?? '', message);
    }
  });

  it('every file is read before anything is refused: problems of two files are listed together', async () => {
    const issues = await issuesOf(() => plan([text('a.man', 'not xml'), text('b.xml', '<Other/>')]));
    assert.deepEqual(issues.map((i) => [i.code, i.path]), [['E_IMPORT_NOT_XML', 'a.man:1'], ['E_IMPORT_FORMAT', 'b.xml:1']]);
  });

  it('reads a UTF-16 file with a byte-order mark, as Windows tools write it', async () => {
    const utf8 = readFileSync(join(ROOT, 'test/fixtures/windows', NTLM_10), 'utf8');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf8, 'utf16le')]);
    const p = await plan([{ path: 'ntlm-utf16.xml', bytes: utf16 }], { channel: 'Microsoft-Windows-NTLM/Operational', events: [8002] });
    assert.equal(definitionOf(p, 8002).fields.length, 6);
  });
});
