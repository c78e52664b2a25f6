import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Jwk, Jwks } from 'aws-jwt-verify/jwk';

/** The local pool's RS256 key: the private half signs tokens, the public half is the JWKS. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwks: Jwks;
}

interface StoredKey {
  readonly kid: string;
  readonly privateKeyPem: string;
}

/**
 * Loads the key from disk, or generates one at first start. Keeping it means tokens issued before
 * a restart still verify, as they would against a real pool whose keys do not rotate on a whim.
 */
export function loadOrCreateSigningKey(file: string): SigningKey {
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
    return toSigningKey(stored.kid, createPrivateKey(stored.privateKeyPem));
  }
  const key = generateSigningKey();
  const stored: StoredKey = {
    kid: key.kid,
    privateKeyPem: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
  writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  return key;
}

/** A fresh key pair that is never written anywhere (tests use it as "someone else's key"). */
export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' });
  // RFC 7638 thumbprint as the key id: stable for a key, different for every other key.
  const thumbprintInput = JSON.stringify({ e: publicJwk.e, kty: publicJwk.kty, n: publicJwk.n });
  const kid = createHash('sha256').update(thumbprintInput).digest('base64url');
  return toSigningKey(kid, privateKey);
}

function toSigningKey(kid: string, privateKey: KeyObject): SigningKey {
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (publicJwk.n === undefined || publicJwk.e === undefined) {
    throw new Error('The local signing key is not an RSA key; delete .local/keys to regenerate it');
  }
  const jwk: Jwk = { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: publicJwk.n, e: publicJwk.e };
  return { kid, privateKey, jwks: { keys: [jwk] } };
}
