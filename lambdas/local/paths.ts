import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where local mode keeps its state. Everything lives under one folder (`.local/` by default,
 * git-ignored) so that deleting it resets the portal, and tests point it at a temporary folder so
 * they never touch a developer's data.
 */
export interface LocalPaths {
  readonly root: string;
  /** RS256 signing key (PKCS#8 PEM) and its key id: tokens survive a restart. */
  readonly signingKeyFile: string;
  /** The local user store: scrypt password hashes, TOTP secrets, groups, linked FHIR ids. */
  readonly userStoreFile: string;
  /** Plain-text credentials of the demo users, for the developer; never used for verification. */
  readonly demoUsersFile: string;
  /** dynalite (LevelDB) data. */
  readonly dynamodbDir: string;
  /** Where a running portal says where it listens (read by `npm run demo` and `audit:verify`). */
  readonly runtimeFile: string;
}

export function localPaths(root: string): LocalPaths {
  const absolute = resolve(root);
  return {
    root: absolute,
    signingKeyFile: join(absolute, 'keys', 'signing-key.json'),
    userStoreFile: join(absolute, 'users.json'),
    demoUsersFile: join(absolute, 'demo-users.json'),
    dynamodbDir: join(absolute, 'dynamodb'),
    runtimeFile: join(absolute, 'runtime.json'),
  };
}

/** Creates the folders; mode 0700 because the folder holds a private key and credentials. */
export function ensureLocalDirs(paths: LocalPaths): void {
  mkdirSync(join(paths.root, 'keys'), { recursive: true, mode: 0o700 });
  mkdirSync(paths.dynamodbDir, { recursive: true, mode: 0o700 });
}

/** Written by a running portal, removed at shutdown. */
export interface LocalRuntimeInfo {
  readonly pid: number;
  readonly baseUrl: string;
  readonly dynamodbEndpoint: string;
}

/** The running portal's runtime info, or undefined when none is running (stale files ignored). */
export function readRuntimeInfo(paths: LocalPaths): LocalRuntimeInfo | undefined {
  if (!existsSync(paths.runtimeFile)) return undefined;
  try {
    const info = JSON.parse(readFileSync(paths.runtimeFile, 'utf8')) as LocalRuntimeInfo;
    // Signal 0 only checks that the process exists; a crashed portal leaves a stale file behind.
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}
