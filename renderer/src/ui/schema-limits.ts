import type { z } from 'zod';

/**
 * The limits a contract schema sets, read from the schema itself so an input's `maxLength` and a
 * message's numbers follow the contract instead of repeating it.
 */
export function textLimits(schema: z.ZodString): { min: number; max: number | undefined } {
  return { min: schema.minLength ?? 0, max: schema.maxLength ?? undefined };
}

export function numberRange(schema: z.ZodNumber): { min: number; max: number } {
  return { min: schema.minValue ?? -Infinity, max: schema.maxValue ?? Infinity };
}
