/**
 * AWS adapters of the pipeline ports: S3 (streamed reads, multipart writes, version-aware deletes)
 * and Secrets Manager for the pseudonym key. Each role in lib/constructs/deid-pipeline.ts holds
 * only the actions its task calls here.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { trainingRunKey } from '../core/training-run-record';
import type {
  ObjectStore,
  PseudonymKeySource,
  RunOutcome,
  RunStatusRecorder,
  StoredObject,
  WriteResult,
} from './ports';

/** S3's minimum part size is 5 MiB; 8 MiB parts keep a 15-minute task well under 10,000 parts. */
const PART_SIZE = 8 * 1024 * 1024;

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly s3: Pick<S3Client, 'send'>) {}

  async *read(bucket: string, key: string): AsyncIterable<Uint8Array> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = out.Body as unknown;
    if (
      body === undefined ||
      body === null ||
      typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function'
    )
      throw new Error(`S3 returned no readable body for s3://${bucket}/${key}`);
    yield* body as AsyncIterable<Uint8Array>;
  }

  async write(
    bucket: string,
    key: string,
    body: AsyncIterable<string | Uint8Array> | string,
  ): Promise<WriteResult> {
    const hash = createHash('sha256');
    let bytes = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let uploadId: string | undefined;
    const parts: Array<{ ETag: string; PartNumber: number }> = [];
    const flushPart = async () => {
      const Body = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      if (uploadId === undefined) {
        const created = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
        if (!created.UploadId) throw new Error('S3 did not return an UploadId');
        uploadId = created.UploadId;
      }
      const PartNumber = parts.length + 1;
      const part = await this.s3.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body }),
      );
      parts.push({ ETag: part.ETag ?? '', PartNumber });
    };
    try {
      for await (const chunk of typeof body === 'string' ? [body] : body) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
        hash.update(buf);
        bytes += buf.length;
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= PART_SIZE) await flushPart();
      }
      if (uploadId === undefined) {
        await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.concat(pending) }));
      } else {
        if (pendingBytes > 0) await flushPart();
        await this.s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      }
    } catch (err) {
      // An abandoned upload keeps its parts (and their data) until aborted.
      if (uploadId !== undefined)
        await this.s3
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      throw err;
    }
    return { bytes, sha256: hash.digest('hex') };
  }

  async *list(bucket: string, prefix: string): AsyncIterable<StoredObject> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0 };
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /** Every version and delete marker: a plain delete in a versioned bucket only hides the data. */
  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    let deleted = 0;
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, VersionIdMarker }),
      );
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
        .filter((v) => v.Key)
        .map((v) => ({ Key: v.Key as string, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
      for (let i = 0; i < objects.length; i += 1000) {
        const batch = objects.slice(i, i + 1000);
        const out = await this.s3.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
        );
        if (out.Errors && out.Errors.length > 0)
          throw new Error(`S3 could not delete ${out.Errors.length} staging objects`);
        deleted += batch.length;
      }
      KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (KeyMarker);
    return deleted;
  }

  async delete(bucket: string, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      if (Objects.length > 0)
        await this.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
    }
  }
}

/** Reads the HMAC key from Secrets Manager once per warm container. */
export class SecretsManagerKeySource implements PseudonymKeySource {
  #cached: { id: string; key: Promise<string> } | undefined;

  constructor(private readonly client: Pick<SecretsManagerClient, 'send'>) {}

  getKey(secretId: string): Promise<string> {
    if (this.#cached?.id !== secretId) {
      const key = this.client.send(new GetSecretValueCommand({ SecretId: secretId })).then((out) => {
        if (!out.SecretString) throw new Error('The pseudonym key secret has no string value.');
        return out.SecretString;
      });
      // A failed read is not cached: the next invocation retries.
      key.catch(() => {
        this.#cached = undefined;
      });
      this.#cached = { id: secretId, key };
    }
    return this.#cached.key;
  }
}

/** Records a run's outcome on the appState item the admin API created when it started the run. */
export class DynamoRunStatusRecorder implements RunStatusRecorder {
  constructor(
    private readonly db: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
  ) {}

  async finish(runId: string, outcome: RunOutcome): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: trainingRunKey(runId),
          UpdateExpression: outcome.report
            ? 'SET #status = :status, finishedAt = :finishedAt, report = :report'
            : 'SET #status = :status, finishedAt = :finishedAt',
          // The first outcome wins, and only for runs the admin API started (the item exists).
          ConditionExpression: '#status = :started',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': outcome.status,
            ':finishedAt': outcome.finishedAt,
            ':started': 'started',
            ...(outcome.report ? { ':report': outcome.report } : {}),
          },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return;
      throw err;
    }
  }
}
