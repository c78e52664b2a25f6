/**
 * The AWS FhirStore: HealthLake's FHIR R4 REST API over HTTPS, each request SigV4-signed for the
 * `healthlake` service with the default credential chain (the Lambda role in AWS).
 *
 * - Retries 429, 5xx and timeouts with full-jitter exponential back-off, bounded by `maxAttempts`
 *   (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). A create (POST) is
 *   retried only on 429, which HealthLake answers before doing any work, so a retry cannot create
 *   a duplicate.
 * - Follows search Bundle `next` links, only to the datastore's own host: a signed request never
 *   goes anywhere an upstream response points.
 * - Maps failures to typed errors; upstream response text is never passed on.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { Conflict, DependencyUnavailable, NotFound, ValidationFailed } from '../core/errors';
import type { FhirSearchParams, FhirStore, ResourceOf } from '../core/ports';

export interface HealthLakeFhirStoreOptions {
  /** FHIR base URL, `https://healthlake.<region>.amazonaws.com/datastore/<id>/r4/`. */
  readonly endpoint: string;
  /** Defaults to the region in the endpoint's host name. */
  readonly region?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Total attempts per request, including the first (default 4). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per-attempt timeout (default 10 s; Lambda's API timeout is longer than a few of these). */
  readonly timeoutMs?: number;
  /** Injected in tests so back-off does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Cap on followed `next` links per search, a bound on runaway paging. */
  readonly maxPages?: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface UpstreamResponse {
  readonly status: number;
  readonly body: unknown;
}

const RETRYABLE = (status: number): boolean => status === 429 || status >= 500;

export class HealthLakeFhirStore implements FhirStore {
  private readonly base: URL;
  private readonly signer: SignatureV4;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly maxPages: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: HealthLakeFhirStoreOptions) {
    this.base = new URL(options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`);
    const loopback = this.base.hostname === '127.0.0.1' || this.base.hostname === 'localhost';
    if (this.base.protocol !== 'https:' && !loopback) {
      throw new Error('The FHIR endpoint must use HTTPS (PHI in transit, 45 CFR 164.312(e))');
    }
    const region = options.region ?? /healthlake\.([a-z0-9-]+)\.amazonaws\.com/.exec(this.base.hostname)?.[1];
    if (!region) throw new Error('HealthLakeFhirStore needs a region (none in the endpoint host name)');
    this.signer = new SignatureV4({
      service: 'healthlake',
      region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxPages = options.maxPages ?? 50;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async read<K extends Resource['resourceType']>(resourceType: K, id: string): Promise<ResourceOf<K>> {
    const response = await this.send('GET', `${resourceType}/${encodeURIComponent(id)}`, {});
    return this.expectResource(response, resourceType) as ResourceOf<K>;
  }

  async search<K extends Resource['resourceType']>(
    resourceType: K,
    params: FhirSearchParams,
  ): Promise<ResourceOf<K>[]> {
    const matches: ResourceOf<K>[] = [];
    let path = resourceType as string;
    let query: Record<string, string[]> = toQuery(params);
    for (let page = 0; page < this.maxPages; page++) {
      const response = await this.send('GET', path, query);
      const bundle = this.expectResource(response, resourceType) as unknown as Bundle;
      if (bundle.resourceType !== 'Bundle') throw new DependencyUnavailable('fhir');
      for (const entry of bundle.entry ?? []) {
        if (entry.resource?.resourceType === resourceType) matches.push(entry.resource as ResourceOf<K>);
      }
      const next = bundle.link?.find((link) => link.relation === 'next')?.url;
      if (!next) return matches;
      ({ path, query } = this.sameDatastore(next));
    }
    // More pages than the bound: refuse rather than answer with a silently partial list.
    throw new DependencyUnavailable('fhir');
  }

  async create<T extends Resource>(resource: T): Promise<T> {
    const response = await this.send('POST', resource.resourceType, {}, resource);
    return this.expectResource(response, resource.resourceType) as T;
  }

  async update<T extends Resource>(resource: T, options?: { readonly ifMatchVersion?: string }): Promise<T> {
    if (!resource.id) throw new ValidationFailed([{ path: 'id', message: 'Update needs an id' }]);
    const headers: Record<string, string> = options?.ifMatchVersion
      ? { 'if-match': `W/"${options.ifMatchVersion}"` }
      : {};
    const response = await this.send(
      'PUT',
      `${resource.resourceType}/${encodeURIComponent(resource.id)}`,
      {},
      resource,
      headers,
    );
    return this.expectResource(response, resource.resourceType) as T;
  }

  async delete(resourceType: Resource['resourceType'], id: string): Promise<void> {
    const response = await this.send('DELETE', `${resourceType}/${encodeURIComponent(id)}`, {});
    if (response.status >= 300) throw errorForStatus(response.status, resourceType);
  }

  /** A `next` link must point into this datastore; its path and query are re-signed as usual. */
  private sameDatastore(link: string): { path: string; query: Record<string, string[]> } {
    const url = new URL(link, this.base);
    if (url.host !== this.base.host || !url.pathname.startsWith(this.base.pathname)) {
      throw new DependencyUnavailable('fhir');
    }
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) query[name] = [...(query[name] ?? []), value];
    return { path: url.pathname.slice(this.base.pathname.length), query };
  }

  private expectResource(response: UpstreamResponse, resourceType: string): Resource {
    if (response.status >= 300) throw errorForStatus(response.status, resourceType);
    const body = response.body;
    if (typeof body !== 'object' || body === null || !('resourceType' in body))
      throw new DependencyUnavailable('fhir');
    return body as Resource;
  }

  private async send(
    method: Method,
    relativePath: string,
    query: Record<string, string[]>,
    body?: Resource,
    extraHeaders: Record<string, string> = {},
  ): Promise<UpstreamResponse> {
    let lastRetryAfter = 2;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let status: number | undefined;
      try {
        const response = await this.attempt(method, relativePath, query, body, extraHeaders);
        status = response.status;
        if (!RETRYABLE(status)) return response;
        lastRetryAfter = retryAfterSeconds(response.retryAfter) ?? lastRetryAfter;
      } catch {
        // Timeout or connection failure: retry unless this was a create that may have landed.
        if (method === 'POST') throw new DependencyUnavailable('fhir');
      }
      const retryable = method !== 'POST' || status === 429;
      if (!retryable || attempt === this.maxAttempts) break;
      const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      await this.sleep(Math.floor(this.random() * ceiling));
    }
    throw new DependencyUnavailable('fhir', lastRetryAfter);
  }

  private async attempt(
    method: Method,
    relativePath: string,
    query: Record<string, string[]>,
    body: Resource | undefined,
    extraHeaders: Record<string, string>,
  ): Promise<UpstreamResponse & { retryAfter: string | null }> {
    const path = `${this.base.pathname}${relativePath}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      host: this.base.host,
      accept: 'application/fhir+json',
      ...(payload === undefined ? {} : { 'content-type': 'application/fhir+json' }),
      ...extraHeaders,
    };
    const signed = await this.signer.sign({
      method,
      protocol: this.base.protocol,
      hostname: this.base.hostname,
      ...(this.base.port ? { port: Number(this.base.port) } : {}),
      path,
      query,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
    // fetch sets Host itself from the URL (the same value that was signed).
    const { host: _host, ...sendHeaders } = signed.headers;
    const queryString = canonicalQueryString(query);
    const url = `${this.base.protocol}//${this.base.host}${path}${queryString ? `?${queryString}` : ''}`;
    const response = await fetch(url, {
      method,
      headers: sendHeaders,
      ...(payload === undefined ? {} : { body: payload }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, retryAfter: response.headers.get('retry-after') };
  }
}

function toQuery(params: FhirSearchParams): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(params))
    query[name] = typeof value === 'string' ? [value] : [...value];
  return query;
}

/** RFC 3986 encoding, as SigV4 canonicalizes it, so the sent query is exactly the signed one. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function canonicalQueryString(query: Record<string, string[]>): string {
  return Object.keys(query)
    .sort()
    .flatMap((name) =>
      [...(query[name] ?? [])].sort().map((value) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`),
    )
    .join('&');
}

function retryAfterSeconds(header: string | null): number | undefined {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(Math.ceil(seconds), 60) : undefined;
}

function errorForStatus(status: number, resourceType: string): Error {
  if (status === 404 || status === 410) return new NotFound(resourceType);
  if (status === 409 || status === 412) return new Conflict('version-conflict');
  if (status === 400 || status === 422) {
    return new ValidationFailed([{ path: resourceType, message: 'The FHIR store rejected the resource' }]);
  }
  // 401/403 are our own credentials or policy: an operator problem, an outage to the caller.
  return new DependencyUnavailable('fhir');
}
