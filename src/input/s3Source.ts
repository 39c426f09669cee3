import type { Readable } from "node:stream";
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { createS3Client } from "../awsEnv.js";
import { InputError } from "./errors.js";
import type { S3ObjectRef } from "./s3Notifications.js";
import type { ByteSource } from "./types.js";

/** Codes of the `InputError`s this source throws; the first four are permanent for the object. */
export const S3_ERRORS = {
  notFound: "not-found",
  forbidden: "forbidden",
  /** The object was overwritten after the notification (its eTag no longer matches). */
  changed: "changed",
  tooLarge: "too-large",
  /** S3 could not be reached or answered 5xx; worth retrying. */
  unavailable: "unavailable",
  /** The body stream broke off while reading; worth retrying. */
  interrupted: "read-interrupted",
} as const;

export interface S3SourceOptions {
  readonly client?: S3Client;
  readonly clientConfig?: S3ClientConfig;
  /** Larger objects are refused with `too-large` before any byte is read. */
  readonly maxBytes?: number;
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  message?: string;
}

function classify(err: unknown, uri: string): InputError {
  const e = err as SdkError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.Code ?? "";
  if (name === "NoSuchKey" || name === "NoSuchBucket" || name === "NotFound" || status === 404) {
    return new InputError(S3_ERRORS.notFound, uri, `no such object (${name || status})`, {
      cause: err,
    });
  }
  if (name === "AccessDenied" || name === "Forbidden" || status === 403) {
    return new InputError(S3_ERRORS.forbidden, uri, `access denied (${name || status})`, {
      cause: err,
    });
  }
  if (name === "PreconditionFailed" || status === 412) {
    return new InputError(
      S3_ERRORS.changed,
      uri,
      "object replaced since the notification (eTag differs)",
      {
        cause: err,
      },
    );
  }
  return new InputError(S3_ERRORS.unavailable, uri, `cannot read object: ${e.message ?? name}`, {
    cause: err,
  });
}

/** The body as a byte stream that turns a broken connection into a retryable `InputError`. */
function guardedBody(body: Readable, uri: string): AsyncIterable<Uint8Array> & { destroy(): void } {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const chunk of body) yield chunk as Uint8Array;
      } catch (err) {
        throw new InputError(
          S3_ERRORS.interrupted,
          uri,
          `read broke off: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    },
    destroy() {
      body.destroy();
    },
  };
}

/**
 * An S3 object version as a `ByteSource`: `GetObject`'s body is streamed through the same
 * pipeline as a file, never copied to disk or buffered whole. With a version id that version is
 * read; otherwise the notification's eTag is sent as `If-Match`, so a newer object under the same
 * key is never scanned in place of the one notified.
 */
export function s3Source(ref: S3ObjectRef, options: S3SourceOptions = {}): ByteSource {
  const uri = s3Uri(ref.bucket, ref.key);
  const client = options.client ?? createS3Client(options.clientConfig);
  return {
    uri,
    ...(ref.size === undefined ? {} : { size: ref.size }),
    async open() {
      if (options.maxBytes !== undefined && ref.size !== undefined && ref.size > options.maxBytes) {
        throw new InputError(
          S3_ERRORS.tooLarge,
          uri,
          `object is ${ref.size} bytes, over the ${options.maxBytes} limit`,
        );
      }
      let out: GetObjectCommandOutput;
      try {
        out = await client.send(
          new GetObjectCommand({
            Bucket: ref.bucket,
            Key: ref.key,
            ...(ref.versionId !== undefined
              ? { VersionId: ref.versionId }
              : ref.eTag !== undefined
                ? { IfMatch: `"${ref.eTag}"` }
                : {}),
          }),
        );
      } catch (err) {
        throw classify(err, uri);
      }
      const body = out.Body as Readable | undefined;
      if (body === undefined) return (async function* () {})();
      if (options.maxBytes !== undefined && (out.ContentLength ?? 0) > options.maxBytes) {
        body.destroy();
        throw new InputError(
          S3_ERRORS.tooLarge,
          uri,
          `object is ${out.ContentLength} bytes, over the ${options.maxBytes} limit`,
        );
      }
      return guardedBody(body, uri);
    },
  };
}

/** Fills in the eTag (and version id) of a notification that had neither, with `HeadObject`. */
export async function withIdentity(ref: S3ObjectRef, client: S3Client): Promise<S3ObjectRef> {
  if (ref.versionId !== undefined || ref.eTag !== undefined) return ref;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    return {
      ...ref,
      ...(head.ETag ? { eTag: head.ETag.replace(/"/g, "") } : {}),
      ...(head.VersionId && head.VersionId !== "null" ? { versionId: head.VersionId } : {}),
      ...(ref.size === undefined && head.ContentLength !== undefined
        ? { size: head.ContentLength }
        : {}),
    };
  } catch (err) {
    throw classify(err, s3Uri(ref.bucket, ref.key));
  }
}
