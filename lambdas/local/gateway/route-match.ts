import type { HttpMethod, RouteSpec } from '../../api/route-table';

export interface RouteMatch {
  readonly route: RouteSpec;
  /** Decoded path parameters, or null when the route has none (as API Gateway sends them). */
  readonly pathParameters: Record<string, string> | null;
}

export type RouteLookup =
  | { readonly kind: 'matched'; readonly match: RouteMatch }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'bad-path' };

interface CompiledRoute {
  readonly route: RouteSpec;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

/**
 * Matches request paths against the route table the way API Gateway matches resources: literal
 * segments exactly, `{name}` as one non-empty segment. Literal routes win over parameterised ones.
 */
export class RouteMatcher {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly RouteSpec[]) {
    this.compiled = routes
      .map((route) => compile(route))
      .sort((a, b) => a.parameterNames.length - b.parameterNames.length);
  }

  lookup(method: string, path: string): RouteLookup {
    const allowed: HttpMethod[] = [];
    for (const candidate of this.compiled) {
      const found = candidate.pattern.exec(path);
      if (found === null) continue;
      if (candidate.route.method !== method) {
        allowed.push(candidate.route.method);
        continue;
      }
      const values = found.slice(1);
      if (candidate.parameterNames.length === 0) {
        return { kind: 'matched', match: { route: candidate.route, pathParameters: null } };
      }
      const pathParameters: Record<string, string> = {};
      for (const [index, name] of candidate.parameterNames.entries()) {
        const raw = values[index] ?? '';
        try {
          pathParameters[name] = decodeURIComponent(raw);
        } catch {
          return { kind: 'bad-path' };
        }
      }
      return { kind: 'matched', match: { route: candidate.route, pathParameters } };
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function compile(route: RouteSpec): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (parameter?.[1] !== undefined) {
        parameterNames.push(parameter[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), parameterNames };
}
