/** Response headers every answer carries, and CORS for the configured origins only. */

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // PHI must never sit in a shared or browser cache (DESIGN.md: APIGWCacheEnabledAndEncrypted).
  'Cache-Control': 'no-store',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

/** Request headers a browser client may send; API Gateway's preflight answers the same list. */
export const CORS_ALLOWED_HEADER_NAMES = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'X-Break-Glass-Reason',
] as const;
export const CORS_ALLOWED_HEADERS = CORS_ALLOWED_HEADER_NAMES.join(', ');

/** CORS headers when `origin` is exactly one of the allowed origins; nothing otherwise. */
export function corsHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  if (!origin || !allowedOrigins.includes(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'Retry-After',
    Vary: 'Origin',
  };
}

export function preflightHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  const base = corsHeaders(origin, allowedOrigins);
  if (Object.keys(base).length === 0) return {};
  return {
    ...base,
    'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS,
    'Access-Control-Max-Age': '600',
  };
}

/** Header names lower-cased: API Gateway passes them as the client sent them. */
export function normalizeHeaders(
  headers: Record<string, string | undefined> | null | undefined,
): Record<string, string> {
  const normalized: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') normalized[name.toLowerCase()] = value;
  }
  return normalized;
}

const JSON_MEDIA_TYPE = /^application\/(json|[a-z0-9.+-]+\+json)\s*(;|$)/i;

export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_MEDIA_TYPE.test(contentType.trim());
}
