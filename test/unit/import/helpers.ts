import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventDefinitionInput } from '../../../src/definition/types.ts';
import { planImport, type ExistingFile, type ImportOptions, type ImportPlan, type ImportSource } from '../../../src/import/index.ts';
import { ROOT } from '../../helpers.ts';

/** The provider descriptions of test/fixtures/windows/ (SOURCE.md says where each comes from). */
export const WINDOWS_FIXTURES = join(ROOT, 'test/fixtures/windows');

/** A fixture as the import reads it, named by its path under test/fixtures/windows/. */
export const fixture = (rel: string): ImportSource => ({ path: rel, bytes: readFileSync(join(WINDOWS_FIXTURES, rel)) });
/** Inline text as a source. */
export const text = (path: string, body: string): ImportSource => ({ path, bytes: Buffer.from(body, 'utf8') });

export const NTLM_10 = 'manifests/Win10-18990.Microsoft-Windows-NTLM.xml';
export const NTLM_7 = 'manifests/Win7-7600.Microsoft-Windows-NTLM.xml';
export const SECURITY_10 = 'manifests/Win10-18990.Microsoft-Windows-Security-Auditing.xml';
export const SECURITY_7 = 'manifests/Win7-7600.Microsoft-Windows-Security-Auditing.xml';
export const NETLOGON_10 = 'manifests/Win10-18990.Microsoft-Windows-Security-Netlogon.xml';
export const EVENTLOG_MAN = 'manifests/Microsoft-Windows-Eventlog.log-cleared.man';
export const FEATURES_MAN = 'manifests/Evforge-Test-Templates.man';
export const WEP_NTLM = 'wepexplorer/W10-1507.Microsoft-Windows-NTLM.xml';
export const WEP_NETLOGON = 'wepexplorer/W10-1507.Microsoft-Windows-Security-Netlogon.xml';

/** Plans an import and returns the plan with each imported definition by event id. */
export async function plan(sources: readonly ImportSource[], options: ImportOptions = {}, existing: readonly ExistingFile[] = []): Promise<ImportPlan & { byId: Map<number, EventDefinitionInput> }> {
  const p = await planImport(sources, existing, options);
  const byId = new Map<number, EventDefinitionInput>();
  for (const d of p.definitions) if (d.definition) byId.set(d.eventId, d.definition);
  return { ...p, byId };
}

/** The definition of one event id, which must have been imported. */
export function definitionOf(p: { byId: Map<number, EventDefinitionInput> }, id: number): EventDefinitionInput {
  const d = p.byId.get(id);
  if (!d) throw new Error(`event ${id} was not imported (imported: ${[...p.byId.keys()].join(', ')})`);
  return d;
}

/** `name:type` of each field, in order. */
export const fieldList = (d: EventDefinitionInput) => d.fields.map((f) => `${f.name}:${f.type}`);

/** The ValidationError's issues an async call throws (fails when it does not throw one). */
export async function issuesOf(run: () => Promise<unknown>): Promise<{ code: string; path: string; message: string; hint?: string }[]> {
  try {
    await run();
  } catch (err) {
    if (err && typeof err === 'object' && 'issues' in err && Array.isArray(err.issues)) return err.issues;
    throw err;
  }
  throw new Error('expected a ValidationError, and nothing was thrown');
}
