import type { EventDefinition } from '../definition/model.ts';

/**
 * `build` computed once per definition: definitions are frozen, so what is derived from one never
 * changes, and several generators (both engines, their failure handlers, mapping, docs, rules)
 * ask for the same derived values.
 */
export function perDefinition<T>(build: (def: EventDefinition) => T): (def: EventDefinition) => T {
  const cache = new WeakMap<EventDefinition, T>();
  return (def) => {
    if (!cache.has(def)) cache.set(def, build(def));
    return cache.get(def)!;
  };
}
