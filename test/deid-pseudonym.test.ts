/**
 * Pseudonyms are HMAC-SHA256 under the key as given, whatever its length: a key longer than the
 * hash's 64-byte block is hashed once up front (RFC 2104 section 2, what OpenSSL would do on every
 * call), and the pseudonyms stay exactly those of createHmac with the raw key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Pseudonymizer } from '../lambdas/deid/pseudonym';

const reference = (key: string | Uint8Array, domain: string, value: string): string =>
  createHmac('sha256', key).update(`${domain}\u0000${value}`).digest('hex').slice(0, 32);

describe('pseudonym keys of any length', () => {
  test('string and byte keys from 32 to 200 bytes give createHmac with the raw key', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 32, max: 200 }),
        fc.boolean(),
        fc.string({ minLength: 1, maxLength: 64 }),
        (length, asBytes, value) => {
          const bytes = randomBytes(length);
          const key = asBytes ? bytes : bytes.toString('base64url').slice(0, length);
          const p = new Pseudonymizer(key);
          expect(p.resourceId('Patient', value)).toBe(reference(key, 'Patient', value));
          expect(p.pseudonym('identifier', value)).toBe(reference(key, 'identifier', value));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the default key file shape (64 random bytes, base64url: 86 characters) and the block edges', () => {
    for (const length of [63, 64, 65, 86, 128]) {
      const key = randomBytes(96).toString('base64url').slice(0, length);
      expect(new Pseudonymizer(key).resourceId('Encounter', 'e-1')).toBe(reference(key, 'Encounter', 'e-1'));
    }
  });

  test('a key longer than the block is not the same key as its hash prefix or a truncation', () => {
    const key = randomBytes(64).toString('base64url');
    const a = new Pseudonymizer(key).resourceId('Patient', 'p');
    expect(new Pseudonymizer(key.slice(0, 64)).resourceId('Patient', 'p')).not.toBe(a);
    expect(new Pseudonymizer(`${key}x`).resourceId('Patient', 'p')).not.toBe(a);
  });
});
