import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFINITION_SECTIONS, renderDefinitions, renderDocs } from '../../../scripts/docs.ts';
import { commandNames } from '../../../src/cli/main.ts';
import { definitionSchema } from '../../../src/definition/schema.ts';
import { ROOT } from '../../helpers.ts';

/** Every key the definition schema names (`properties`), at any depth. */
function schemaKeys(schema: unknown): Set<string> {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties' && v !== null && typeof v === 'object') for (const name of Object.keys(v)) keys.add(name);
      walk(v);
    }
  };
  walk(schema);
  return keys;
}

/** docs/cli.md and the generated tables of docs/definitions.md are read off the code (scripts/docs.ts). */
describe('generated documentation (npm run docs)', function () {
  this.timeout(30_000);

  it('docs/cli.md and docs/definitions.md are what `npm run docs` writes', async () => {
    for (const [path, text] of await renderDocs()) {
      assert.equal(readFileSync(join(ROOT, path), 'utf8'), text, `${path} is stale: run \`npm run docs\` and review the diff`);
    }
  });

  it('docs/cli.md has a section with the --help of every command main.ts registers', () => {
    const cli = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
    const names = commandNames();
    assert.ok(names.length >= 7, names.join());
    for (const name of names) assert.match(cli, new RegExp(`^## ${name}\\n\\n\`\`\`\\nevforge ${name}\\b`, 'm'), name);
  });

  it('docs/definitions.md documents every key of the definition schema', () => {
    const doc = readFileSync(join(ROOT, 'docs/definitions.md'), 'utf8');
    const keys = [...schemaKeys(definitionSchema)];
    assert.ok(keys.length > 40, `read ${keys.length} keys`);
    assert.deepEqual(keys.filter((k) => !doc.includes(`\`${k}\``)).sort(), []);
  });

  it('a generated section renders what the registries hold, and a missing or unknown section is an error', () => {
    const doc = readFileSync(join(ROOT, 'docs/definitions.md'), 'utf8');
    assert.match(doc, /\| `UInt32` \| \*\*long\*\*, double, keyword \| 0 … 4294967295 \|/);
    assert.match(doc, /\| `windash` \| no \|/);
    assert.throws(() => renderDefinitions(doc.replace('<!-- BEGIN GENERATED: ecs-fields -->', '<!-- BEGIN GENERATED: ecs-fieldz -->').replace('<!-- END GENERATED: ecs-fields -->', '<!-- END GENERATED: ecs-fieldz -->')), /unknown generated section "ecs-fieldz"/);
    assert.throws(() => renderDefinitions('# nothing generated\n'), new RegExp(`lacks the generated sections ${Object.keys(DEFINITION_SECTIONS)[0]}`));
  });
});
