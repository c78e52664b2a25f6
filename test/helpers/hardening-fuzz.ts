/**
 * fast-check arbitraries for the bad-input suite: request parts derived from each operation's zod
 * schemas (through zod's JSON Schema output, so the fuzzer follows the contract as it changes), and
 * hostile values outside them. Every generated string carries CANARY, so an error body that echoes
 * input is caught by a substring check.
 */
import fc from 'fast-check';
import { z } from 'zod';

export const CANARY = 'zqCANARYzq';

type JsonSchema = {
  readonly $ref?: string;
  readonly $defs?: Record<string, JsonSchema>;
  readonly type?: string;
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
};

const isoDateTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** A value the JSON Schema accepts (formats and patterns honoured; refinements are not in it). */
export function arbitraryFromJsonSchema(
  schema: JsonSchema,
  root: JsonSchema = schema,
): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = root.$defs?.[name];
    if (!target) return fc.constant(null);
    return arbitraryFromJsonSchema(target, root);
  }
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((option) => arbitraryFromJsonSchema(option, root)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties))
        record[name] = arbitraryFromJsonSchema(property, root);
      return fc.record(record, { requiredKeys: [...(schema.required ?? [])] });
    }
    case 'array':
      return fc.array(arbitraryFromJsonSchema(schema.items ?? {}, root), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'string':
      if (schema.format === 'date-time') return isoDateTime;
      if (schema.format === 'date') return isoDateTime.map((value) => value.slice(0, 10));
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return fc
        .string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) })
        .map((value) => value.slice(0, schema.maxLength ?? 40));
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'integer':
      return fc.integer();
    case 'boolean':
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

export function arbitraryFromZod(schema: z.ZodType): fc.Arbitrary<unknown> {
  return arbitraryFromJsonSchema(
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as unknown as JsonSchema,
  );
}

/** Strings that are not what a field expects: unicode of every plane, controls, paths, canary. */
export const hostileString: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('../../etc/passwd', '%00', '\u0000', '\u202e', 'Ω≈ç√', '💊🩺', "' OR 1=1 --", '<script>'),
  )
  .map((value) => `${value}${CANARY}`);

const pollutingKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  `${CANARY}key`,
  'slotId',
  'status',
);

/** JSON text outside every schema: wrong types, polluting keys, nesting, big strings. */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  // Prototype-pollution shapes, written as text: JSON.stringify would never emit a __proto__ key.
  fc
    .tuple(pollutingKey, hostileString)
    .map(([key, value]) => `{"${key}":{"isAdmin":true,"polluted":${JSON.stringify(value)}}}`),
  fc
    .tuple(pollutingKey, pollutingKey, hostileString)
    .map(
      ([outer, inner, value]) =>
        `{"${outer}":{"${inner}":{"prototype":{"polluted":${JSON.stringify(value)}}}}}`,
    ),
  // Wrong types at the top level and in fields.
  fc.constantFrom(
    'null',
    'true',
    '42',
    '[]',
    `"${CANARY}"`,
    '{"slotId":1,"reason":[]}',
    '{"status":{"$ne":1}}',
  ),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify({ [`${CANARY}field`]: value, slotId: value })),
  // Deep nesting, under the 1 MB limit.
  fc.integer({ min: 100, max: 50_000 }).map((depth) => `${'['.repeat(depth)}"${CANARY}"${']'.repeat(depth)}`),
  fc
    .integer({ min: 100, max: 20_000 })
    .map((depth) => `${'{"a":'.repeat(depth)}"${CANARY}"${'}'.repeat(depth)}`),
  // Big strings in a field.
  fc
    .integer({ min: 10_000, max: 400_000 })
    .map((size) => JSON.stringify({ reason: `${CANARY}${'x'.repeat(size)}`, slotId: CANARY })),
  // Malformed JSON.
  fc.constantFrom('{', '{"a":', `{"reason":"${CANARY}`, '\uFEFF{}', '{"a":1,}', "{'a':1}", 'NaN'),
);

/** Query parameters: the contract's names with hostile values, and unknown names. */
export const hostileQuery: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.oneof(
    fc.constantFrom('start', 'end', 'practitioner', 'code', 'from', 'to', 'date', '__proto__'),
    hostileString,
  ),
  hostileString,
  { maxKeys: 4 },
);
