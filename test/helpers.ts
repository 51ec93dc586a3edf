import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.ts';
import { memoryOutput } from '../src/cli/output.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

/** Compares text with a golden file byte for byte; `UPDATE_GOLDEN=1 npm test` rewrites it. */
export function assertGolden(path: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`golden file ${path} is missing; run UPDATE_GOLDEN=1 npm test and review it`);
  }
  assert.equal(actual, expected, `${path} differs from its golden file (UPDATE_GOLDEN=1 npm test rewrites it)`);
}

/**
 * A scratch folder inside the repo (gitignored), so definitions written there still resolve
 * `import … from 'evforge'` through the package's self-reference.
 */
export function scratchDir(prefix: string): { dir: string; cleanup(): void } {
  const base = join(ROOT, '.evforge', 'tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The NTLM channel's definitions: what the project's tests about the examples are about, named
 * explicitly so that another example (or a user's definition) in examples/ changes none of them.
 */
export const NTLM_DEFINITIONS = ['examples/ntlm-8001.ts', 'examples/ntlm-8002.ts', 'examples/ntlm-8003.ts', 'examples/ntlm-8004.ts'] as const;

/** A project folder with the NTLM channel's definitions and the example events, as a newcomer's checkout has. */
export function copyProject(prefix = 'project'): { dir: string; cleanup(): void } {
  const s = scratchDir(prefix);
  cpSync(join(ROOT, 'examples', 'events'), join(s.dir, 'examples', 'events'), { recursive: true });
  for (const f of NTLM_DEFINITIONS) cpSync(join(ROOT, f), join(s.dir, f));
  return s;
}

/** Runs the CLI in this process, capturing its output and exit code. */
export async function runCli(cwd: string, argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; all: string }> {
  const output = memoryOutput();
  const code = await main(argv, { output, cwd, env });
  const stdout = output.stdout.join('\n');
  const stderr = output.stderr.join('\n');
  return { code, stdout, stderr, all: `${stdout}\n${stderr}` };
}

/** Edits a file in place with a string replacement that must apply. */
export function editFile(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${path} does not contain ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

/** Sets a definition file's schemaVersion, whatever it was. */
export function setSchemaVersion(path: string, version: string): void {
  const text = readFileSync(path, 'utf8');
  assert.match(text, /schemaVersion: '\d+\.\d+\.\d+'/);
  writeFileSync(path, text.replace(/schemaVersion: '\d+\.\d+\.\d+'/, `schemaVersion: '${version}'`));
}

/** A folder of test/reference/ (reference data from other projects, each folder with its SOURCE.md). */
export function reference(sub: string): string {
  const dir = join(ROOT, 'test', 'reference', sub);
  if (!existsSync(dir)) assert.fail(`${dir} is missing: it is part of the repository (git checkout -- test/reference)`);
  return dir;
}

/**
 * Writes a small definition of another channel, in its own data stream (`windows.sample`), to
 * `file`: what a user's first definition (or a new example) beside the NTLM channel looks like.
 */
export function writeOtherChannelDefinition(file: string, name = 'sample-4000', eventId = Number(/\d+$/.exec(name)?.[0] ?? 4000)): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `import { defineEvent } from 'evforge';

export default defineEvent({
  name: '${name}',
  schemaVersion: '1.0.0',
  title: 'A sample event of another channel',
  description: 'Written by a test: a definition in a data stream of its own.',
  provider: { name: 'Contoso-Sample', guid: '{0D4FDC09-8C27-494A-BDA0-505E4FD8ADAE}' },
  channel: 'Contoso-Sample/Operational',
  eventId: ${eventId},
  version: 0,
  level: 4,
  task: { value: 0, name: 'None' },
  opcode: { value: 0, name: 'Info' },
  keywords: '0x8000000000000000',
  message: 'Sample of %1',
  dataset: 'windows.sample',
  ecs: { category: ['host'], type: ['info'] },
  fields: [{ name: 'SampleName', type: 'UnicodeString', description: 'A name.', ecs: ['user.name'] }],
  detections: [],
});
`,
  );
}
