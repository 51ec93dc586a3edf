/**
 * `build` computed once per definition or bundle: both are frozen, so what is derived from one
 * never changes, and several generators (both engines, their failure handlers, mapping, docs,
 * rules) ask for the same derived values.
 */
export function perDefinition<K extends object, T>(build: (key: K) => T): (key: K) => T {
  const cache = new WeakMap<K, T>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, build(key));
    return cache.get(key)!;
  };
}
