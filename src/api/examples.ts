import { lstat, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Detection, EventDefinition } from '../definition/model.ts';
import { FileError, InternalError } from '../errors.ts';
import { stableJsonLine } from '../json.ts';
import type { RenderedDataset } from '../render/dataset.ts';
import type { DefinitionExamples, ExampleEvent, RuleExample } from '../verify/tests.ts';
import { readEventFile } from '../io/formats/events.ts';
import { FORMAT_NAMES, readInput, scanInput } from '../io/formats/input.ts';
import { displayPath } from '../io/loader.ts';

const EXPECTED_SUFFIX = '-expected.json';

/**
 * What `evforge test` reads for one definition: `events/<name>*.json` and `*.xml` next to it (minus
 * the `*-expected.json` goldens, each read unless `record`), and its rules' positives and negatives.
 */
export async function readExamples(dataset: RenderedDataset, def: EventDefinition, cwd: string, options: { record: boolean }): Promise<DefinitionExamples> {
  const source = dataset.sources.get(def.name);
  if (source === undefined) throw new InternalError(`readExamples: the dataset has no source for ${def.name}`);
  const definitionPath = resolve(cwd, source);
  const dir = join(dirname(definitionPath), 'events');
  const files: ExampleEvent[] = [];
  for (const path of await eventFiles(dir, def.name, cwd)) {
    const expectedPath = path.replace(/\.(json|xml)$/, EXPECTED_SUFFIX);
    await refuseLink(path, cwd);
    const text = await exampleText(path, displayPath(path, cwd));
    const expected = options.record ? undefined : await readExpected(expectedPath, cwd);
    files.push({ name: basename(path), text, expectedPath, expectedName: basename(expectedPath), ...(expected ? { expected } : {}) });
  }
  const rules: { rule: Detection; examples: RuleExample[] }[] = [];
  for (const rule of def.detections) {
    if (rule.tests.positives.length + rule.tests.negatives.length === 0) continue;
    rules.push({ rule, examples: await ruleExamples(rule, definitionPath, cwd) });
  }
  return { definition: def, events: { pattern: `${displayPath(dir, cwd)}/${def.name}*.json`, files }, rules };
}

/**
 * A symbolic link where `test` reads or writes an example is refused, naming it: evforge never
 * follows a link out of the events folder, and never writes a golden through one (that would
 * overwrite the link's target). A missing path is no link.
 */
async function refuseLink(path: string, cwd: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink()) {
    throw new FileError(displayPath(path, cwd), 'is a symbolic link: evforge never reads or writes example events or goldens through a link', 'replace the link with a copy of the file it points to (or remove it), then run again');
  }
}

/** Writes goldens recorded by `evforge test --update-expected`; none is written while any of them is a link. */
export async function writeExpected(recorded: readonly { readonly path: string; readonly text: string }[], cwd = process.cwd()): Promise<void> {
  for (const r of recorded) await refuseLink(r.path, cwd);
  for (const r of recorded) await writeFile(r.path, r.text);
}

/**
 * One example event as JSON text: a JSON event as it is, a Windows event XML or evtx_dump JSON file
 * converted to the raw shape as replay converts it (src/io/formats/), so one event has a golden in
 * every input shape. A converted file holds exactly one event.
 */
async function exampleText(path: string, label: string): Promise<string> {
  const scan = await scanInput(path, label);
  if (scan.format === 'json') return (await readEventFile(path, label)).text;
  const events: string[] = [];
  for await (const e of readInput(path, label, scan)) events.push(e.text);
  const [only] = events;
  if (only === undefined || events.length > 1) throw new FileError(label, `an example file holds one event, this ${FORMAT_NAMES[scan.format]} file holds ${events.length}`, 'give each example event a file of its own');
  return only;
}

async function eventFiles(dir: string, name: string, cwd: string): Promise<string[]> {
  await refuseLink(dir, cwd);
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    return [];
  }
  return files
    .filter((f) => f.startsWith(name) && (f.endsWith('.json') || f.endsWith('.xml')) && !f.endsWith(EXPECTED_SUFFIX))
    .sort()
    .map((f) => join(dir, f));
}

async function readExpected(path: string, cwd: string): Promise<{ value: unknown } | undefined> {
  await refuseLink(path, cwd);
  try {
    return { value: (await readEventFile(path, displayPath(path, cwd))).value };
  } catch (err) {
    if (err instanceof FileError && err.message === 'file not found') return undefined;
    throw err;
  }
}

async function ruleExamples(rule: Detection, definitionPath: string, cwd: string): Promise<RuleExample[]> {
  const docs: RuleExample[] = [];
  for (const positive of [true, false]) {
    const refs = positive ? rule.tests.positives : rule.tests.negatives;
    for (const [i, ref] of refs.entries()) {
      const id = `${positive ? 'pos' : 'neg'}-${i + 1}`;
      let text: string;
      // Exactly one of the two: validateDefinition refuses a reference with both or neither.
      if (ref.file !== undefined) {
        const path = resolve(dirname(definitionPath), ref.file);
        await refuseLink(path, cwd);
        text = (await readEventFile(path, displayPath(path, cwd))).text;
      } else {
        text = stableJsonLine(ref.event);
      }
      docs.push({ id, name: ref.name, text, positive });
    }
  }
  return docs;
}
