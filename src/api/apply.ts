import { stableJson } from '../json.ts';
import { objectNames, ownersOf } from '../generate/naming.ts';
import type { ObjectKind } from '../terms.ts';
import { comparable, type Change } from '../plan/plan.ts';
import { isRecord } from '../guards.ts';
import type { Cluster } from '../io/cluster/cluster.ts';
import { InternalError } from '../errors.ts';
import { PushLostError } from './push-errors.ts';
import { ClusterError } from '../io/cluster/errors.ts';

/** Kinds whose owners push can read back (the rules' are Kibana's and Security Analytics' own). */
const OWNED: ReadonlySet<ObjectKind> = new Set<ObjectKind>(['ingest_pipeline', 'component_template', 'index_template']);

/** Kinds the engines create only when absent, when asked (`?create=true`; a data stream always). */
const CREATE_ONLY: ReadonlySet<ObjectKind> = new Set<ObjectKind>(['component_template', 'index_template', 'data_stream']);

/** The engine refused a create because the object exists (templates: 400 "… already exists"; data streams: resource_already_exists_exception). */
function alreadyExists(err: unknown): boolean {
  return err instanceof ClusterError && err.details.status === 400 && /already exists|resource_already_exists/i.test(`${err.details.type ?? ''} ${err.details.reason ?? ''}`);
}

const same = (kind: ObjectKind, a: unknown, b: unknown) => stableJson(comparable(kind, a)) === stableJson(comparable(kind, b));

/**
 * Whether what the cluster holds now is this push's own object: the desired body (a template or
 * pipeline this push wrote, e.g. by a request retried after it had landed), or a data stream made
 * from this push's index template (an event that arrived first creates it so).
 */
async function isOurs(c: Change, cluster: Cluster, now: unknown): Promise<boolean> {
  if (c.kind === 'data_stream') return (await cluster.writeIndexMapping(c.name))?.template === objectNames(c.desired.dataset).indexTemplate;
  return now !== undefined && same(c.kind, now, c.desired.body);
}

/** The plan's changes with one create-only create first: the write that decides which of two concurrent pushes goes on. */
function gateFirst(changes: readonly Change[]): Change[] {
  const gate = changes.find((c) => c.action === 'create' && CREATE_ONLY.has(c.kind) && c.kind !== 'data_stream');
  return gate ? [gate, ...changes.filter((c) => c !== gate)] : [...changes];
}

/**
 * Writes one object so that a concurrent writer is noticed: a template or data stream the plan
 * found absent is created only if it still is (create-only request); anything else is read again
 * just before (the engines have no create-only or compare-and-set write for it, except
 * Elasticsearch's pipeline `if_version`, used too) and written only if it is still what the plan saw.
 */
async function writeGuarded(c: Change, cluster: Cluster): Promise<void> {
  const createOnly = c.action === 'create' && CREATE_ONLY.has(c.kind);
  if (!createOnly && OWNED.has(c.kind)) {
    const now = await cluster.readObject(c.kind, c.name);
    const planned = c.action === 'create' ? now === undefined : now !== undefined && same(c.kind, now, c.actual);
    if (!planned && !(await isOurs(c, cluster, now))) throw new PushLostError(c, ownersOf(now), c.action === 'create' ? 'was created by another writer while this push ran' : 'was changed by another writer while this push ran');
  }
  const version = c.kind === 'ingest_pipeline' && c.action === 'update' && isRecord(c.actual) && typeof c.actual['version'] === 'number' ? c.actual['version'] : undefined;
  try {
    await cluster.writeObject(c.desired, { create: createOnly, ...(version !== undefined ? { ifVersion: version } : {}) });
  } catch (err) {
    // Elasticsearch answers a failed `if_version` with 400 "version conflict, required version […]".
    const conflict = alreadyExists(err) || (version !== undefined && err instanceof ClusterError && /version conflict/i.test(err.details.reason ?? ''));
    if (!conflict) throw err;
    const now = c.kind === 'data_stream' ? undefined : await cluster.readObject(c.kind, c.name);
    if (await isOurs(c, cluster, now)) return;
    throw new PushLostError(c, ownersOf(now), alreadyExists(err) ? 'was created by another writer while this push ran' : 'was changed by another writer while this push ran');
  }
}

/**
 * Reads back every object of the plan evforge records owners on, and the data streams: each must
 * be this push's now (its owners the desired ones; a data stream made from this push's template).
 * A concurrent push that wrote after this one's writes loses nothing silently: this push fails,
 * naming who holds the object.
 */
async function verifyOwners(changes: readonly Change[], cluster: Cluster): Promise<void> {
  for (const c of changes) {
    if (c.kind === 'data_stream') {
      if (c.action === 'create' && !(await isOurs(c, cluster, undefined))) throw new PushLostError(c, undefined, 'was made from another index template while this push ran');
      continue;
    }
    if (!OWNED.has(c.kind)) continue;
    const now = await cluster.readObject(c.kind, c.name);
    const owners = ownersOf(now);
    if (owners?.join() !== [...c.desired.events].sort().join()) throw new PushLostError(c, owners, 'was replaced by another writer after this push wrote it');
  }
}

/**
 * Writes every create/update of a plan, stopping at the first failure so nothing is written on top
 * of a missing dependency. The order is the plan's (pipelines, components, templates, data
 * streams, rules), except that one create-only create goes first: of two pushes that both planned
 * to create a data stream's objects, exactly one passes it, and the other writes nothing. Every
 * write checks the object is still as planned (writeGuarded), and the objects are read back at the
 * end (verifyOwners); a push that finds another writer's object throws PushLostError. Unchanged
 * objects cost no request. A data stream's rollout runs after its templates: a compatible mapping
 * is put in place, a breaking one starts a new write index.
 */
export async function applyPlan(changes: readonly Change[], cluster: Cluster, onApplied: (c: Change, detail?: string) => void): Promise<number> {
  if (changes.some((c) => c.rollout?.mode === 'refused')) throw new InternalError('applyPlan: the plan has a refused rollout');
  let writes = 0;
  for (const c of gateFirst(changes)) {
    if (c.action === 'unchanged') continue;
    if (c.rollout) {
      if (c.rollout.mode === 'in_place') {
        await cluster.putDataStreamMapping(c.rollout.dataStream, c.rollout.mapping);
        onApplied(c, `mapping of ${c.rollout.writeIndex} updated in place`);
      } else {
        const index = await cluster.rollover(c.rollout.dataStream);
        onApplied(c, `rolled over: new write index ${index}, ${c.rollout.writeIndex} keeps its mapping`);
      }
    } else {
      await writeGuarded(c, cluster);
      onApplied(c);
    }
    writes++;
  }
  if (writes > 0) await verifyOwners(changes, cluster);
  return writes;
}
