import { NotificationError } from "./errors.js";

/** One S3 object a notification is about, with the key already decoded. */
export interface S3ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** Without quotes, as S3 notifications give it. */
  readonly eTag?: string;
  readonly sequencer?: string;
  readonly size?: number;
  /** `ObjectCreated:Put`, or `Object Created` for EventBridge. */
  readonly eventName?: string;
  readonly eventTime?: string;
}

/** What a notification asked for: objects to scan, and what was deliberately passed over. */
export interface Notification {
  readonly objects: readonly S3ObjectRef[];
  /** Reasons for records that need no scan (`s3:TestEvent`, object removed, ...). */
  readonly ignored: readonly string[];
}

export interface SqsRecordInput {
  readonly messageId: string;
  readonly notification?: Notification;
  /** Set when the body is not a notification: the record fails and goes to the DLQ in time. */
  readonly error?: NotificationError;
}

/** A Lambda event, classified: an SQS batch (partial failures) or a direct invoke. */
export type LambdaInput =
  | { readonly kind: "sqs"; readonly records: readonly SqsRecordInput[] }
  | { readonly kind: "direct"; readonly notification: Notification };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;

/**
 * Decodes a key as S3 event notifications encode it (form encoding: `+` is a space, `%2B` a
 * plus sign). A malformed escape is kept literally rather than failing the record.
 */
export function decodeS3Key(encoded: string): string {
  const spaced = encoded.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
      const code = Number.parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : m;
    });
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function fromS3Record(record: unknown, index: number): S3ObjectRef | string {
  if (!isObject(record) || !isObject(record.s3))
    throw new NotificationError(`Records[${index}] has no s3 section`);
  const eventName = str(record.eventName) ?? "";
  const bucket = isObject(record.s3.bucket) ? str(record.s3.bucket.name) : undefined;
  const object = isObject(record.s3.object) ? record.s3.object : undefined;
  const rawKey = object === undefined ? undefined : str(object.key);
  if (bucket === undefined || object === undefined || rawKey === undefined) {
    throw new NotificationError(`Records[${index}] lacks s3.bucket.name or s3.object.key`);
  }
  if (!eventName.startsWith("ObjectCreated:"))
    return `${eventName || "unnamed event"} for s3://${bucket}/${rawKey}`;
  return {
    bucket,
    key: decodeS3Key(rawKey),
    ...optional("versionId", str(object.versionId)),
    ...optional("eTag", str(object.eTag)?.replace(/"/g, "")),
    ...optional("sequencer", str(object.sequencer)),
    ...optional("size", num(object.size)),
    eventName,
    ...optional("eventTime", str(record.eventTime)),
  };
}

/**
 * EventBridge "Object Created" (`source: aws.s3`). Its keys are not form-encoded, unlike those
 * of S3 event notifications, so the key is used as given.
 */
function fromEventBridge(event: Json): Notification {
  const detailType = str(event["detail-type"]) ?? "";
  const detail = isObject(event.detail) ? event.detail : undefined;
  const bucket = detail && isObject(detail.bucket) ? str(detail.bucket.name) : undefined;
  const object = detail && isObject(detail.object) ? detail.object : undefined;
  const key = object === undefined ? undefined : str(object.key);
  if (bucket === undefined || object === undefined || key === undefined) {
    throw new NotificationError("EventBridge event lacks detail.bucket.name or detail.object.key");
  }
  if (detailType !== "Object Created")
    return { objects: [], ignored: [`${detailType} for s3://${bucket}/${key}`] };
  const ref: S3ObjectRef = {
    bucket,
    key,
    ...optional("versionId", str(object["version-id"])),
    ...optional("eTag", str(object.etag)?.replace(/"/g, "")),
    ...optional("sequencer", str(object.sequencer)),
    ...optional("size", num(object.size)),
    eventName: detailType,
    ...optional("eventTime", str(event.time)),
  };
  return { objects: [ref], ignored: [] };
}

/**
 * One notification document: an S3 event notification (`Records`), the `s3:TestEvent` S3 sends
 * when notifications are configured, an SNS envelope around either, or an EventBridge event.
 */
export function parseNotification(doc: unknown): Notification {
  if (typeof doc === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(doc);
    } catch (err) {
      throw new NotificationError(`message is not JSON: ${(err as Error).message}`, { cause: err });
    }
    return parseNotification(parsed);
  }
  if (!isObject(doc)) throw new NotificationError("notification is not a JSON object");
  if (doc.Event === "s3:TestEvent")
    return { objects: [], ignored: [`s3:TestEvent for bucket ${str(doc.Bucket) ?? "?"}`] };
  if (doc.Type === "Notification" && typeof doc.Message === "string")
    return parseNotification(doc.Message);
  if (doc.source === "aws.s3" && "detail-type" in doc) return fromEventBridge(doc);
  if (Array.isArray(doc.Records)) {
    const objects: S3ObjectRef[] = [];
    const ignored: string[] = [];
    doc.Records.forEach((r, i) => {
      const out = fromS3Record(r, i);
      if (typeof out === "string") ignored.push(out);
      else objects.push(out);
    });
    return { objects, ignored };
  }
  throw new NotificationError("not an S3 event notification, SNS envelope or EventBridge S3 event");
}

function isSqsEvent(event: Json): event is Json & { Records: Json[] } {
  return (
    Array.isArray(event.Records) &&
    event.Records.length > 0 &&
    event.Records.every((r) => isObject(r) && r.eventSource === "aws:sqs")
  );
}

/** Classifies a Lambda event. Throws `NotificationError` for a direct event of unknown shape. */
export function parseLambdaEvent(event: unknown): LambdaInput {
  if (isObject(event) && isSqsEvent(event)) {
    return {
      kind: "sqs",
      records: event.Records.map((r, i) => {
        const messageId = str(r.messageId) ?? `record-${i}`;
        try {
          return { messageId, notification: parseNotification(r.body) };
        } catch (err) {
          if (err instanceof NotificationError) return { messageId, error: err };
          throw err;
        }
      }),
    };
  }
  return { kind: "direct", notification: parseNotification(event) };
}

/** Encodes a key the way S3 event notifications carry it (the inverse of `decodeS3Key`). */
export function encodeS3Key(key: string): string {
  return key
    .split("/")
    .map((part) => encodeURIComponent(part).replace(/%20/g, "+"))
    .join("/");
}
