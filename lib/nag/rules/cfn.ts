import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Helpers shared by Wellgate's rules and the compliance report. Rules read the resolved
 * CloudFormation (PascalCase, after property overrides) rather than L1 fields, so an
 * `addPropertyOverride` cannot hide a setting from the check.
 */

export type CfnRecord = Record<string, unknown>;

export function asRecord(value: unknown): CfnRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as CfnRecord)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads a nested property path of a resolved template fragment. */
export function path(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    const record = asRecord(current);
    if (!record) return undefined;
    current = record[key];
  }
  return current;
}

export interface RenderedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: CfnRecord;
  readonly deletionPolicy?: string;
}

/** The resource as CloudFormation will see it, tokens resolved in its own stack. */
export function renderResource(node: CfnResource): RenderedResource {
  const stack = Stack.of(node);
  const rendered = asRecord(stack.resolve(node._toCloudFormation()));
  const resources = asRecord(rendered?.['Resources']) ?? {};
  const [logicalId, body] = Object.entries(resources)[0] ?? [stack.resolve(node.logicalId) as string, {}];
  const record = asRecord(body) ?? {};
  const deletionPolicy = record['DeletionPolicy'];
  return {
    logicalId,
    type: node.cfnResourceType,
    properties: asRecord(record['Properties']) ?? {},
    ...(typeof deletionPolicy === 'string' ? { deletionPolicy } : {}),
  };
}

export function resolvedProperties(node: CfnResource): CfnRecord {
  return renderResource(node).properties;
}

export function logicalIdOf(node: CfnResource): string {
  return Stack.of(node).resolve(node.logicalId) as string;
}

/** Every CfnResource under a scope, depth first. */
export function cfnResources(scope: IConstruct): CfnResource[] {
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
}

/**
 * True when a resolved value points at a resource by logical id: `Ref`, `Fn::GetAtt`, or a
 * cross-stack `Fn::ImportValue` whose CDK export name embeds the id
 * (`<stack>:ExportsOutputRef<id>…` / `ExportsOutputFnGetAtt<id>…`).
 */
export function referencesLogicalId(value: unknown, logicalId: string): boolean {
  if (Array.isArray(value)) return value.some((v) => referencesLogicalId(v, logicalId));
  const record = asRecord(value);
  if (!record) return false;
  if (record['Ref'] === logicalId) return true;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === logicalId) return true;
  if (typeof getAtt === 'string' && getAtt.split('.')[0] === logicalId) return true;
  const imported = JSON.stringify(record['Fn::ImportValue'] ?? '');
  if (imported.includes(`Ref${logicalId}`) || imported.includes(`GetAtt${logicalId}`)) return true;
  return Object.values(record).some((v) => referencesLogicalId(v, logicalId));
}

/** Values HIPAA-relevant booleans take in templates and environment variables. */
export function isTruthy(value: unknown): boolean {
  if (value === true) return true;
  return (
    typeof value === 'string' && ['1', 'y', 'yes', 't', 'true', 'on'].includes(value.trim().toLowerCase())
  );
}
