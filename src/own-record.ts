/**
 * Mappings whose keys are names people choose (teams, agent IDs), read from YAML data safely: any name
 * is a name, `__proto__`, `constructor` and `toString` included.
 */
import { z } from 'zod';

/** A YAML mapping turned into data: an object that is not a list. */
export const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Like `z.record(z.string(), value)`, but every key the mapping has is validated and kept (zod's record
 * drops `__proto__` unchecked), in an object with no prototype: no name can be mistaken for something
 * every object has, nor replace its prototype. Issues carry the key in their path, as a record's do.
 */
export function ownRecord<T extends z.ZodType>(value: T, params?: Parameters<typeof z.map>[2]) {
  return z
    .preprocess(
      (input) => (isMapping(input) ? new Map(Object.entries(input)) : input),
      z.map(z.string(), value, params),
    )
    .transform((entries) => {
      const record: Record<string, z.output<T>> = Object.create(null);
      for (const [key, entry] of entries) record[key] = entry;
      return record;
    });
}
