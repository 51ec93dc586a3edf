import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../../errors.ts';
import { PATTERNS } from '../../definition/patterns.ts';
import { DEFAULT_DEFINITIONS_DIR } from '../../api/defaults.ts';
import type { ArgsOf, CommandContext } from '../context.ts';

const builder = (y: Argv<object>) =>
  y
    .positional('files', { type: 'string', array: true, default: [], describe: 'Provider descriptions: instrumentation manifests (.man) or WEPExplorer dumps' })
    .option('out', { type: 'string', default: DEFAULT_DEFINITIONS_DIR, describe: 'Definitions folder to write (and merge) into' })
    .option('dataset', { type: 'string', describe: 'Dataset of every imported definition (default windows.<channel>)' })
    .option('events', { type: 'string', default: 'all', describe: 'Event ids to import: 4624,4625 or all' })
    .option('channel', { type: 'string', describe: 'Channel for events the source gives none (they are skipped otherwise)' });

export type ImportArgs = ArgsOf<typeof builder>;

/** `4624,4625` → [4624, 4625]; `all` → 'all'. */
export function parseEvents(text: string): number[] | 'all' {
  if (text.trim() === 'all') return 'all';
  const parts = text.split(',').map((p) => p.trim());
  const ids = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || ids.some((n) => n > 65535)) {
    throw new UsageError(`--events ${JSON.stringify(text)}: give event ids from 0 to 65535 separated by commas (4624,4625), or all`);
  }
  return [...new Set(ids)];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Reads provider descriptions and writes one definition per provider + event id (src/api/import.ts). */
export async function runImport(args: ImportArgs, ctx: CommandContext): Promise<ExitCode> {
  if (args.files.length === 0) throw new UsageError('no provider description given', 'evforge import Microsoft-Windows-NTLM.man [more files] [--out DIR]');
  const events = parseEvents(args.events);
  if (args.dataset !== undefined && (!new RegExp(PATTERNS.dataset).test(args.dataset) || args.dataset.length > 100)) {
    throw new UsageError(`--dataset ${JSON.stringify(args.dataset)} is not a valid dataset`, 'use lowercase letters, digits, "_" and ".", no "-", e.g. windows.security');
  }
  if (args.channel !== undefined && args.channel.trim() === '') throw new UsageError('--channel is empty', 'name the event log channel, e.g. --channel Microsoft-Windows-NTLM/Operational');
  const { importEvents } = await import('../../api/import.ts');
  const result = await importEvents({
    files: args.files,
    out: args.out,
    events,
    cwd: ctx.cwd,
    ...(args.dataset !== undefined ? { dataset: args.dataset } : {}),
    ...(args.channel !== undefined ? { channel: args.channel } : {}),
  });
  const o = ctx.output;
  for (const s of result.sources) o.out(`${s.path}: ${s.format} (${s.providers.join(', ')})`);
  const width = Math.max(0, ...result.definitions.map((d) => d.path.length));
  for (const d of result.definitions) {
    const mark = d.status === 'added' ? '+' : d.status === 'updated' ? '~' : '=';
    const version = d.schemaVersion.from && d.schemaVersion.from !== d.schemaVersion.to ? `${d.schemaVersion.from} → ${d.schemaVersion.to}` : d.schemaVersion.to;
    const versions = d.versions.length > 1 ? `versions ${d.versions.join(', ')}` : `version ${d.versions[0] ?? 0}`;
    o.out(`  ${mark} ${result.outLabel}/${d.path.padEnd(width)}  ${d.provider} ${d.eventId} (${versions}), ${d.name} ${d.status === 'unchanged' ? `${version}, unchanged` : version}`);
    for (const c of d.changes) o.out(`      ${c.severity.padEnd(13)} ${c.what}`);
  }
  for (const n of result.notes) o.out(`note: ${n}`);
  const added = result.definitions.filter((d) => d.status === 'added').length;
  const updated = result.definitions.filter((d) => d.status === 'updated').length;
  const unchanged = result.definitions.length - added - updated;
  if (result.definitions.length === 0) {
    o.err(`✖ no event imported into ${result.outLabel}/`);
    o.err('  hint: every event of the source was skipped (see the note above); pass --channel NAME for events without a channel');
    return ExitCode.failure;
  }
  o.out(`${plural(added, 'definition')} added, ${updated} updated, ${unchanged} unchanged in ${result.outLabel}/`);
  if (added + updated > 0) o.out(`next: \`npx evforge generate\` (it names the schema version bump any change still needs); review \`git diff ${result.outLabel}\``);
  return ExitCode.ok;
}

export const importCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, ImportArgs> => ({
  command: 'import [files..]',
  describe: "Write event definitions from Windows' own description of its events (instrumentation manifests, WEPExplorer dumps)",
  builder,
  handler: async (args) => setCode(await runImport(args, ctx())),
});
