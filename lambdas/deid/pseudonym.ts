import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** SHA-256's block size: HMAC first hashes a longer key down to 32 bytes (RFC 2104 section 2). */
const SHA256_BLOCK_BYTES = 64;

/**
 * Keyed HMAC-SHA256 pseudonyms for resource ids, references and identifier values, so links
 * between resources survive de-identification. 45 CFR 164.514(c) allows a re-identification code
 * when it cannot be translated back by the recipient: the key lives in Secrets Manager, only the
 * de-identification task may decrypt it, and it never appears in output, state data or logs.
 * Without the key, a pseudonym reveals nothing about the identifier it replaces.
 */
export class Pseudonymizer {
  /** A KeyObject: createHmac takes its native handle as is instead of copying key bytes per call. */
  readonly #key: KeyObject;
  readonly #cache = new Map<string, Map<string, string>>();
  #cached = 0;

  constructor(key: string | Uint8Array) {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
    // 32 bytes is HMAC-SHA256's block-safe minimum for a full-strength key (RFC 2104 section 3).
    if (bytes.length < 32) throw new Error('The pseudonym key must be at least 32 bytes.');
    // RFC 2104 section 2: "Applications that use keys longer than B bytes will first hash the key
    // using H and then use the resultant L byte string as the actual key to HMAC." OpenSSL does
    // that on every createHmac call; doing it once here gives the same HMAC (the test checks it
    // against createHmac with the raw key) without a key hash per pseudonym. The default key
    // (64 random bytes, base64url) is 86 bytes, so this is the usual case.
    this.#key = createSecretKey(
      bytes.length > SHA256_BLOCK_BYTES ? createHash('sha256').update(bytes).digest() : bytes,
    );
  }

  /**
   * 128 bits of HMAC-SHA256 as 32 lowercase hex characters: a valid FHIR id ([A-Za-z0-9.-]{1,64}).
   * `domain` separates namespaces (a Patient id and an Encounter id with equal text differ).
   */
  pseudonym(domain: string, value: string): string {
    let byValue = this.#cache.get(domain);
    if (byValue === undefined) {
      byValue = new Map();
      this.#cache.set(domain, byValue);
    }
    const cached = byValue.get(value);
    if (cached !== undefined) return cached;
    // One native createHmac call is about twice as fast as copying precomputed inner/outer SHA-256
    // states (two JS Hash wrappers per call), and gives the same value.
    const out = createHmac('sha256', this.#key).update(`${domain}\u0000${value}`).digest('hex').slice(0, 32);
    // Ids repeat heavily (every Observation names its Patient and Encounter); the cache is bounded.
    if (++this.#cached > 200_000) {
      this.#cache.clear();
      this.#cached = 0;
    }
    byValue.set(value, out);
    return out;
  }

  /** A FHIR resource id, namespaced by type so Patient/1 and Encounter/1 get different pseudonyms. */
  resourceId(resourceType: string, id: string): string {
    return this.pseudonym(resourceType, id);
  }
}

/** The shape every pseudonym has (the residual scan recognizes, and skips, exactly this). */
export const PSEUDONYM_PATTERN = /^[0-9a-f]{32}$/;
