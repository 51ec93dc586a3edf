import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');

/** A module hook that prints every module a process resolves (one `MODULE <url>` line each). */
const RECORDER = `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  process.stderr.write('MODULE ' + r.url + '\\n');
  return r;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(RECORDER)}`)});`;

/** Then the CommonJS modules it required (ajv, the precompiled validators), which no resolve hook sees. */
const REQUIRED = `for (const f of Object.keys((await import('node:module')).createRequire(import.meta.url).cache)) process.stderr.write('MODULE file://' + f + '\\n');`;

/** The modules (not `node:` builtins) a fresh process resolves or requires while it runs `code` from the repository's root. */
function modulesResolvedBy(code: string): string[] {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--import', 'tsx', '--input-type=module', '-e', `${code}\n${REQUIRED}`], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the probe process failed: ${r.stderr.slice(-1000)}`);
  const urls = r.stderr.split('\n').filter((l) => l.startsWith('MODULE ')).map((l) => l.slice('MODULE '.length));
  return [...new Set(urls)].filter((u) => !u.startsWith('node:'));
}

/**
 * Every definition file imports 'evforge' for defineEvent, so what the entry loads is paid by every
 * `evforge generate`: the operations load their modules (the cluster edge, replay, the planners,
 * the event readers, the diff library, ajv) when called, not at import.
 */
describe("the 'evforge' entry", function () {
  this.timeout(30_000);

  const HEAVY = ['/src/io/cluster/', '/src/replay/', '/src/plan/', '/src/io/formats/', '/src/api/push.ts', '/src/import/', '/node_modules/saxes/', '/node_modules/diff/', '/node_modules/ajv/', '/node_modules/typescript/'];
  const heavyIn = (urls: readonly string[]) => HEAVY.filter((h) => urls.some((u) => u.includes(h)));

  it('importing it loads no cluster edge, replay, planner, event reader, provider-description importer, diff, ajv or TypeScript compiler', () => {
    const urls = modulesResolvedBy(`const evforge = await import('./src/index.ts'); if (typeof evforge.defineEvent !== 'function') throw new Error('no defineEvent');`);
    assert.ok(urls.some((u) => u.endsWith('/src/index.ts')), `the probe saw the entry load (${urls.length} modules)`);
    assert.deepEqual(heavyIn(urls), []);
  });

  it('compiled, importing it loads no schema builder (TypeBox) nor ajv: the build wrote the definition schema as data and its validator as code', () => {
    // From src/ (tests, tsx) the schema is built with TypeBox at import; dist/ is what users run.
    const urls = modulesResolvedBy(`const evforge = await import('./dist/index.js'); if (evforge.validateDefinition({}).length === 0) throw new Error('an empty definition passed');`);
    assert.ok(urls.some((u) => u.endsWith('/dist/index.js')), `the probe saw the compiled entry load (${urls.length} modules)`);
    assert.ok(urls.some((u) => u.endsWith('/dist/validators/definition-shape.cjs')), 'validating used the precompiled validator');
    // ajv's compiler, not the small runtime helpers its generated code requires (node_modules/ajv/dist/runtime/).
    const builders = ['/node_modules/typebox/', '/node_modules/ajv/dist/ajv.js', '/node_modules/ajv/dist/compile/'];
    assert.deepEqual(builders.filter((h) => urls.some((u) => u.includes(h))), []);
    assert.deepEqual(heavyIn(urls.filter((u) => !u.includes('/node_modules/ajv/dist/runtime/'))), []);
  });

  it('an operation loads what it needs when called', () => {
    // Nothing listens on port 9: the cluster edge is loaded before the connection fails.
    const urls = modulesResolvedBy(`const { connect } = await import('./src/index.ts'); await connect({ node: 'http://127.0.0.1:9', requestTimeoutMs: 1000 }).catch(() => undefined);`);
    assert.ok(heavyIn(urls).includes('/src/io/cluster/'), `the cluster edge was loaded (${urls.length} modules)`);
  });

  it('importEvents loads the importer when called, and the TypeScript compiler only to merge into existing definitions', () => {
    const urls = modulesResolvedBy(`const { importEvents } = await import('./src/index.ts'); await importEvents({ files: ['no-such-file.man'] }).catch(() => undefined);`);
    assert.ok(heavyIn(urls).includes('/src/import/'), `the importer was loaded (${urls.length} modules)`);
    assert.ok(!heavyIn(urls).includes('/node_modules/typescript/'), 'no TypeScript compiler for a file that does not exist');
  });
});
