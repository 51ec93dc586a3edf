/**
 * A version-3 manifest back in version 2's words, written independently of src/manifest/upgrade.ts
 * (a key renamed back wherever it is), so a test can hold the upgrade against it: version 2 →
 * upgrade → this is the version-2 manifest again, and a folder generated today can be given the
 * version-2 manifest an older evforge would have written for it.
 */
export function inV2Words(value: unknown, parent = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => inV2Words(v, parent));
  if (!value || typeof value !== 'object') return value;
  const back: Record<string, string> = { engine: 'target', owners: 'events', members: 'events' };
  // Keys of `datasets`, `events` and a membership change's `members` are names, never renamed.
  const names = parent === 'datasets' || parent === 'events' || parent === 'members-map';
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (names) return [k, inV2Words(v)];
      if (k === 'manifest_version') return [k, 2];
      if (k === 'datasets') return ['bundles', inV2Words(v, 'datasets')];
      if (k === 'members' && v && typeof v === 'object' && !Array.isArray(v)) return ['events', inV2Words(v, 'members-map')];
      return [back[k] ?? k, inV2Words(v, k)];
    }),
  );
}
