/**
 * `build` computed once per definition or dataset: both are frozen, so what is derived from one
 * never changes, and several generators (both engines, their failure handlers, mapping, docs,
 * rules) ask for the same derived values.
 */
export function perDefinition<K extends object, T>(build: (key: K) => T): (key: K) => T {
  // Boxed, so a cached `undefined` is told apart from a miss.
  const cache = new WeakMap<K, { readonly value: T }>();
  return (key) => {
    const hit = cache.get(key);
    if (hit) return hit.value;
    const value = build(key);
    cache.set(key, { value });
    return value;
  };
}
