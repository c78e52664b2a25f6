import { Aspects, type CfnResource, Stack, Tag, TagManager } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import {
  asArray,
  asRecord,
  cfnResources,
  logicalIdOf,
  path,
  referencesLogicalId,
  resolvedProperties,
} from './cfn';

/** The tag that marks a role's tier; the API stack tags every handler role `api`. */
export const TIER_TAG_KEY = 'wellgate:tier';
export const API_TIER = 'api';

export interface TrainingWallExpectation {
  /** Physical name of the training bucket (`DeploymentNames.bucket('training')`). */
  readonly trainingBucketName: string;
}

/** Concrete actions an API role must never be able to reach on the training data. */
const READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 'kms:Decrypt'];

/**
 * No IAM policy attached to an API-tier role (tag `wellgate:tier` = `api`) allows reading the
 * training bucket: s3:Get* (or s3:*, *) on the bucket, on a wildcard that covers it or on "*",
 * or kms:Decrypt on the training key or on "*" (CDK's default key policy delegates to IAM, so
 * "*" reaches the training key). This is the training wall: a compromised API function must not
 * reach de-identified-but-linkable training data (45 CFR 164.312(a)(1), 164.308(a)(4)).
 */
export function apiRolesCannotReadTrainingBucket(
  expected: TrainingWallExpectation,
): (node: CfnResource) => NagRuleCompliance {
  // Rendering every resource for every policy would be quadratic on a real app: index the tree
  // once per validation run, and rebuild only when constructs were added since.
  const indexes = new WeakMap<IConstruct, AppIndex>();
  const indexOf = (root: IConstruct): AppIndex => {
    const size = root.node.findAll().length;
    const cached = indexes.get(root);
    if (cached && cached.size === size) return cached;
    const index = buildIndex(root, size, expected.trainingBucketName);
    indexes.set(root, index);
    return index;
  };
  return Object.defineProperty(
    (node: CfnResource): NagRuleCompliance => {
      const documents = policyDocumentsOfApiRoles(node, () => indexOf(node.node.root).roles);
      if (documents === undefined) return NagRuleCompliance.NOT_APPLICABLE;
      const wall = indexOf(node.node.root).wall;
      const readsTraining = documents
        .flatMap((doc) => asArray(path(doc, 'Statement')))
        .some((statement) => allowsTrainingRead(statement, wall));
      return readsTraining ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
    },
    'name',
    { value: 'ApiRolesCannotReadTrainingBucket' },
  );
}

interface AppIndex {
  readonly size: number;
  readonly roles: readonly CfnResource[];
  readonly wall: TrainingWall;
}

function buildIndex(root: IConstruct, size: number, bucketName: string): AppIndex {
  const all = cfnResources(root);
  return {
    size,
    roles: all.filter((r) => r.cfnResourceType === 'AWS::IAM::Role'),
    wall: trainingWall(all, bucketName),
  };
}

/** Policy documents that reach an API-tier role, or undefined when the resource is not one. */
function policyDocumentsOfApiRoles(
  node: CfnResource,
  roles: () => readonly CfnResource[],
): unknown[] | undefined {
  const type = node.cfnResourceType;
  if (type === 'AWS::IAM::Role') {
    if (!isApiTier(node)) return undefined;
    return asArray(resolvedProperties(node)['Policies']).map((p) => path(p, 'PolicyDocument'));
  }
  if (type === 'AWS::IAM::Policy' || type === 'AWS::IAM::ManagedPolicy') {
    const props = resolvedProperties(node);
    const attached = asArray(props['Roles']).flatMap((ref) => findRoles(node, ref, roles()));
    if (!attached.some(isApiTier)) return undefined;
    return [props['PolicyDocument']];
  }
  return undefined;
}

/** Resolves one entry of a policy's `Roles` (a Ref, an import or a literal name) to CfnRoles. */
function findRoles(policy: CfnResource, ref: unknown, roles: readonly CfnResource[]): CfnResource[] {
  const own = Stack.of(policy);
  const byReference = roles.filter((role) => referencesLogicalId(ref, logicalIdOf(role)));
  // Logical ids are unique per stack only: prefer the policy's own stack.
  const sameStack = byReference.filter((role) => Stack.of(role) === own);
  if (sameStack.length > 0) return sameStack;
  if (byReference.length > 0) return byReference;
  return typeof ref === 'string' ? roles.filter((role) => resolvedProperties(role)['RoleName'] === ref) : [];
}

/**
 * The role's tier: a `Tags.of(...)` aspect still waiting to be applied (rules also run in unit
 * tests before synth), the nearest one winning, else the tag already on the resource.
 */
export function isApiTier(role: CfnResource): boolean {
  for (const scope of [...role.node.scopes].reverse()) {
    const tag = Aspects.of(scope)
      .all.filter((aspect): aspect is Tag => aspect instanceof Tag && aspect.key === TIER_TAG_KEY)
      .pop();
    if (tag) return tag.value === API_TIER;
  }
  if (!TagManager.isTaggable(role)) return false;
  return role.tags.tagValues()[TIER_TAG_KEY] === API_TIER;
}

interface TrainingWall {
  readonly bucketName: string;
  /** Logical ids of the training bucket and of the KMS key that encrypts it. */
  readonly bucketIds: string[];
  readonly keyIds: string[];
}

function trainingWall(all: readonly CfnResource[], bucketName: string): TrainingWall {
  const buckets = all.filter(
    (r) => r.cfnResourceType === 'AWS::S3::Bucket' && resolvedProperties(r)['BucketName'] === bucketName,
  );
  const keys = all.filter((r) => r.cfnResourceType === 'AWS::KMS::Key');
  const keyIds = buckets.flatMap((bucket) => {
    const encryption = resolvedProperties(bucket)['BucketEncryption'];
    return keys.filter((key) => referencesLogicalId(encryption, logicalIdOf(key))).map(logicalIdOf);
  });
  return { bucketName, bucketIds: buckets.map(logicalIdOf), keyIds };
}

function allowsTrainingRead(statement: unknown, wall: TrainingWall): boolean {
  const s = asRecord(statement);
  if (s?.['Effect'] !== 'Allow') return false;
  const actions = asArray(s['Action']).filter((a): a is string => typeof a === 'string');
  // Allow + NotAction grants everything not listed: treat it as covering every read action.
  const notActions = asArray(s['NotAction']).filter((a): a is string => typeof a === 'string');
  const grants = (concrete: string): boolean =>
    s['NotAction'] !== undefined
      ? !notActions.some((a) => globMatches(a, concrete))
      : actions.some((a) => globMatches(a, concrete) || (concrete.startsWith('s3:Get') && isS3GetFamily(a)));
  const s3Read = READ_ACTIONS.filter((a) => a.startsWith('s3:')).some(grants);
  const kmsDecrypt = grants('kms:Decrypt');
  if (!s3Read && !kmsDecrypt) return false;

  const resources = s['NotResource'] !== undefined ? ['*'] : asArray(s['Resource']);
  return resources.some((resource) => {
    if (resource === '*') return true;
    if (s3Read && touchesBucket(resource, wall)) return true;
    return kmsDecrypt && wall.keyIds.some((id) => referencesLogicalId(resource, id));
  });
}

function touchesBucket(resource: unknown, wall: TrainingWall): boolean {
  const text = JSON.stringify(resource);
  if (text.includes(wall.bucketName)) return true;
  if (wall.bucketIds.some((id) => referencesLogicalId(resource, id))) return true;
  // A literal wildcard ARN such as arn:aws:s3:::wellgate-* covers the bucket too.
  return (
    typeof resource === 'string' &&
    resource.includes('*') &&
    globMatches(resource.replace(/^arn:[^:]+:/, 'arn:aws:'), `arn:aws:s3:::${wall.bucketName}/object`)
  );
}

/** s3:Get*, s3:G*, s3:GetObject* and friends, i.e. every pattern that starts the s3:Get family. */
function isS3GetFamily(action: string): boolean {
  const a = action.toLowerCase();
  return a.startsWith('s3:get') || a === 's3:g*' || a === 's3:ge*';
}

/** IAM wildcard matching ("*" any run, "?" one character), case-insensitive like IAM actions. */
function globMatches(pattern: string, value: string): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i').test(value);
}
