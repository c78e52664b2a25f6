import { randomBytes, randomUUID, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Role } from '../../api/route-table';
import { generateTotpSecret } from './totp';

/** One user of the local pool, as stored on disk (no plain-text password). */
export interface LocalUser {
  readonly username: string;
  /** Stable subject id, a UUID as in Cognito. */
  readonly sub: string;
  readonly email: string;
  readonly groups: readonly Role[];
  readonly passwordHash: PasswordHash;
  /** Base32 TOTP secret: the "authenticator app" side of software-token MFA. */
  readonly totpSecret: string;
  /** Admin-set link to the user's FHIR Patient (custom:fhir_patient_id). */
  readonly fhirPatientId?: string;
  /** Admin-set link to the user's FHIR Practitioner (custom:fhir_practitioner_id). */
  readonly fhirPractitionerId?: string;
}

interface PasswordHash {
  readonly algorithm: 'scrypt';
  readonly salt: string;
  readonly hash: string;
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelization: number;
}

/** What a new user is made of; the store generates the password and TOTP secret. */
export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly groups: readonly Role[];
  readonly fhirPatientId?: string;
  readonly fhirPractitionerId?: string;
}

/** A freshly created user with the credentials a developer needs to sign in as them. */
export interface IssuedCredentials {
  readonly user: LocalUser;
  readonly password: string;
  readonly totpSecret: string;
}

// OWASP's scrypt baseline (N=2^17, r=8, p=1) is slow for a dev server that creates users at start
// and signs them in during tests; N=2^15 keeps a real work factor at a fraction of the time.
const SCRYPT_COST = 2 ** 15;
const SCRYPT_BLOCK_SIZE = 8;
const SCRYPT_PARALLELIZATION = 1;
const SCRYPT_KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    scrypt(password, salt, SCRYPT_KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolvePromise(key),
    );
  });
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const options = { N: SCRYPT_COST, r: SCRYPT_BLOCK_SIZE, p: SCRYPT_PARALLELIZATION };
  const hash = await scryptAsync(password, salt, options);
  return {
    algorithm: 'scrypt',
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
    cost: options.N,
    blockSize: options.r,
    parallelization: options.p,
  };
}

export async function passwordMatches(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(stored.salt, 'base64'), {
    N: stored.cost,
    r: stored.blockSize,
    p: stored.parallelization,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password that satisfies a strong Cognito policy (upper, lower, digit, symbol, length 16+). */
export function generatePassword(): string {
  return `Wg-${randomBytes(12).toString('base64url')}7a!`;
}

/**
 * The local pool's users, persisted as JSON under `.local/`. Writes are synchronous and whole-file:
 * a handful of users changes rarely (admin links), and a torn write is impossible to observe in a
 * single-process dev server.
 */
export class LocalUserStore {
  private readonly users = new Map<string, LocalUser>();

  private constructor(private readonly file: string | undefined) {}

  /** Loads the store from `file`, or returns an empty store that will be saved there. */
  static open(file: string): LocalUserStore {
    const store = new LocalUserStore(file);
    if (existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { users: LocalUser[] };
      for (const user of stored.users) store.users.set(user.username, user);
    }
    return store;
  }

  /** A store that never touches disk (unit tests). */
  static inMemory(): LocalUserStore {
    return new LocalUserStore(undefined);
  }

  get size(): number {
    return this.users.size;
  }

  list(): LocalUser[] {
    return [...this.users.values()];
  }

  find(username: string): LocalUser | undefined {
    return this.users.get(username);
  }

  async create(newUser: NewUser): Promise<IssuedCredentials> {
    if (this.users.has(newUser.username)) throw new Error(`User ${newUser.username} already exists`);
    const password = generatePassword();
    const totpSecret = generateTotpSecret();
    const user: LocalUser = {
      ...newUser,
      sub: randomUUID(),
      passwordHash: await hashPassword(password),
      totpSecret,
    };
    this.users.set(user.username, user);
    this.save();
    return { user, password, totpSecret };
  }

  /** Sets or replaces the admin-managed FHIR links; returns undefined for an unknown user. */
  link(
    username: string,
    links: { readonly fhirPatientId?: string; readonly fhirPractitionerId?: string },
  ): LocalUser | undefined {
    const existing = this.users.get(username);
    if (existing === undefined) return undefined;
    const updated: LocalUser = { ...existing, ...links };
    this.users.set(username, updated);
    this.save();
    return updated;
  }

  private save(): void {
    if (this.file === undefined) return;
    writeFileSync(this.file, JSON.stringify({ users: this.list() }, null, 2), { mode: 0o600 });
  }
}
