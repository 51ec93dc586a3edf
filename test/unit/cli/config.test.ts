import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare } from '../../../src/index.ts';
import { copyProject, runCli, scratchDir, writeOtherChannelDefinition } from '../../helpers.ts';

const config = (body: string) => `import { defineConfig } from 'evforge';\n\nexport default defineConfig(${body});\n`;

/** evforge.config.ts: where a project's definitions live (docs/definitions.md, "Where definitions live"). */
describe('evforge.config.ts names the definitions commands read when none are named', function () {
  this.timeout(60_000);
  let p: { dir: string; cleanup(): void };
  const cli = (...argv: string[]) => runCli(p.dir, argv);
  afterEach(() => p.cleanup());

  it("generate, check and compare read the configured folders and files, not examples/", async () => {
    p = copyProject('config');
    writeOtherChannelDefinition(join(p.dir, 'definitions/sample-4000.ts'));
    writeOtherChannelDefinition(join(p.dir, 'more/sample-4001.ts'), 'sample-4001');
    writeFileSync(join(p.dir, 'evforge.config.ts'), config("{ definitions: ['definitions', 'more/sample-4001.ts'] }"));
    const g = await cli('generate');
    assert.equal(g.code, 0, g.all);
    assert.match(g.stdout, /^✔ definitions\/sample-4000\.ts, more\/sample-4001\.ts → mappings\/windows\.sample\/ /m);
    assert.doesNotMatch(g.all, /ntlm/, 'examples/ is not read when a configuration exists');
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(p.dir, 'mappings/manifest.json'), 'utf8')).events), ['sample-4000', 'sample-4001']);
    const c = await cli('check');
    assert.equal(c.code, 0, c.all);
    assert.match(c.stdout, /from 2 definitions in 1 data stream/);
    const same = await compare({ base: 'mappings', cwd: p.dir });
    assert.deepEqual(same.events.map((e) => e.event), ['data stream logs-windows.sample-*', 'sample-4000', 'sample-4001']);
    assert.equal(same.changes.length, 0);
  });

  it('diff and test read it too: a broken configured definition is reported before any connection', async () => {
    p = copyProject('config-cluster');
    writeOtherChannelDefinition(join(p.dir, 'definitions/sample-4000.ts'));
    const file = join(p.dir, 'definitions/sample-4000.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("type: 'UnicodeString'", "type: 'UnicodeStrin'"));
    writeFileSync(join(p.dir, 'evforge.config.ts'), config("{ definitions: 'definitions' }"));
    for (const command of ['diff', 'test', 'push']) {
      const r = await cli(command, '--node', 'http://127.0.0.1:9');
      assert.equal(r.code, 1, `${command}: ${r.all}`);
      assert.match(r.stderr, /✖ "UnicodeStrin" is not a valid Windows type\n {2}→ at definitions\/sample-4000\.ts: fields\.SampleName\.type/, command);
    }
  });

  it('without a configuration and without examples/, the error names the configuration to write', async () => {
    p = scratchDir('no-config');
    const g = await cli('generate');
    assert.equal(g.code, 1);
    assert.equal(
      g.stderr,
      `✖ evforge.config.ts: not found in ${p.dir}, and no definition files were named\n` +
        "  hint: write evforge.config.ts saying where your definitions live (import { defineConfig } from 'evforge'; export default defineConfig({ definitions: ['definitions'] })), or name them: npx evforge generate path/to/event.ts",
    );
    assert.equal(existsSync(join(p.dir, 'mappings')), false, 'nothing written');
  });

  it('a bad configuration is refused with every problem named, nothing written', async () => {
    p = scratchDir('bad-config');
    mkdirSync(join(p.dir, 'empty'));
    writeFileSync(join(p.dir, 'evforge.config.ts'), config("{ definitions: ['nowhere', 'empty', 3], output: 'x' } as never"));
    const g = await cli('generate');
    assert.equal(g.code, 1);
    assert.match(g.stderr, /✖ unknown key "output"\n {2}→ at evforge\.config\.ts: output\n {2}hint: the keys are: definitions/);
    assert.match(g.stderr, /✖ "nowhere" does not exist\n {2}→ at evforge\.config\.ts: definitions\[0\]\n {2}hint: create it, or fix the path \(relative to evforge\.config\.ts\)/);
    assert.match(g.stderr, /✖ expected a folder or file path, got 3\n {2}→ at evforge\.config\.ts: definitions\[2\]/);
    assert.equal(existsSync(join(p.dir, 'mappings')), false, 'nothing written');
    writeFileSync(join(p.dir, 'evforge.config.ts'), config("{ definitions: 'empty' }"));
    const empty = await cli('check');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /✖ "empty": no definition files \(\*\.ts\) found\n {2}→ at evforge\.config\.ts: definitions\n/);
    writeFileSync(join(p.dir, 'evforge.config.ts'), config('{} as never'));
    assert.match((await cli('generate')).stderr, /✖ definitions is required\n {2}→ at evforge\.config\.ts: definitions\n {2}hint: folders or files, relative to evforge\.config\.ts: /);
    writeFileSync(join(p.dir, 'evforge.config.mjs'), "export default { definitions: 'empty' };\n");
    assert.match((await cli('generate')).stderr, /✖ evforge\.config\.ts: is not the only configuration here \(evforge\.config\.ts, evforge\.config\.mjs\)\n {2}hint: keep one of them/);
  });

  it('a configuration that does not compile is named with its line', async () => {
    p = scratchDir('config-syntax');
    writeFileSync(join(p.dir, 'evforge.config.ts'), "export default { definitions: ['a' };\n");
    const g = await cli('generate');
    assert.equal(g.code, 1);
    assert.match(g.stderr, /✖ evforge\.config\.ts: cannot load configuration: line 1:\d+: /);
  });
});
