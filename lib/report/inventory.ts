import { Aspects, Stack, Tag } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import {
  asArray,
  asRecord,
  type CfnRecord,
  cfnResources,
  referencesLogicalId,
  renderResource,
} from '../nag/rules/cfn';

/** One resource as CloudFormation will receive it, with where it lives. */
export interface InventoryResource {
  readonly stack: string;
  /** Construct path without the trailing "/Resource" of L2 constructs. */
  readonly path: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: CfnRecord;
  readonly deletionPolicy?: string;
  /** Tags as they will be deployed, including `Tags.of(...)` aspects not yet applied. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface InventoryStack {
  readonly name: string;
  readonly path: string;
  readonly terminationProtection: boolean;
}

/**
 * Every CloudFormation resource in an app, rendered without `app.synth()`: each resource's
 * `_toCloudFormation()` resolved in its own stack. Cross-stack references stay as the producer's
 * Ref/GetAtt (CDK only swaps in exports during synth), which is what lets the report follow them.
 */
export class Inventory {
  static fromScope(scope: IConstruct): Inventory {
    const stacks = scope.node
      .findAll()
      .filter((c): c is Stack => Stack.isStack(c))
      .map((s) => ({ name: s.stackName, path: s.node.path, terminationProtection: s.terminationProtection }));
    const resources = cfnResources(scope).map((node) => {
      const rendered = renderResource(node);
      return {
        ...rendered,
        stack: Stack.of(node).stackName,
        path: node.node.path.replace(/\/Resource$/, ''),
        tags: { ...renderedTags(rendered.properties['Tags']), ...pendingTags(node) },
      };
    });
    return new Inventory(stacks, resources);
  }

  constructor(
    readonly stacks: readonly InventoryStack[],
    readonly resources: readonly InventoryResource[],
  ) {}

  ofType(...types: string[]): InventoryResource[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  /** The resource a Ref/GetAtt/import points at; the caller's own stack wins a logical-id tie. */
  referenced(value: unknown, from?: InventoryResource): InventoryResource | undefined {
    // Only small values such as ARN expressions, never a whole policy document.
    if (value === undefined || typeof value !== 'object' || JSON.stringify(value).length > 400)
      return undefined;
    const hits = this.resources.filter((r) => referencesLogicalId(value, r.logicalId));
    return hits.find((r) => r.stack === from?.stack) ?? hits[0];
  }

  /** Resources whose properties point at the target (what a key encrypts, what a bucket logs to). */
  referencing(target: InventoryResource): InventoryResource[] {
    return this.resources.filter(
      (r) =>
        r !== target &&
        (r.stack === target.stack ||
          !this.resources.some((o) => o.stack === r.stack && o.logicalId === target.logicalId)) &&
        referencesLogicalId(r.properties, target.logicalId),
    );
  }

  /** A readable rendering of a property value: referenced resources by path, literals as is. */
  label(value: unknown, from?: InventoryResource): string {
    if (value === undefined || value === null) return 'not set';
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return String(value);
    if (Array.isArray(value))
      return value.length === 0 ? 'none' : value.map((v) => this.label(v, from)).join(', ');
    const target = this.referenced(value, from);
    if (target) return target.path;
    return JSON.stringify(value);
  }
}

/** CloudFormation renders tags as [{Key, Value}] on most types and as a map on a few. */
function renderedTags(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of asArray(tags)) {
    const { Key, Value } = asRecord(tag) ?? {};
    if (typeof Key === 'string' && typeof Value === 'string') out[Key] = Value;
  }
  if (!Array.isArray(tags)) {
    for (const [key, value] of Object.entries(asRecord(tags) ?? {})) {
      if (typeof value === 'string' && key !== 'Key' && key !== 'Value') out[key] = value;
    }
  }
  return out;
}

/** `Tags.of(scope).add(...)` is an aspect that only runs at synth: read it from the tree instead. */
function pendingTags(node: IConstruct): Record<string, string> {
  const out: Record<string, string> = {};
  for (const scope of node.node.scopes) {
    for (const aspect of Aspects.of(scope).all) {
      if (aspect instanceof Tag) out[aspect.key] = aspect.value;
    }
  }
  return out;
}
