// Counts requests per operation and injects faults in front of the real emulators: an SDK
// middleware that answers part of a request itself (SQS `Failed` entries, DynamoDB
// `UnprocessedItems`) or throws, and passes everything else through to fauxqs / dynalite.

/** Faults to inject; each counter is consumed as faults are injected. */
export interface Faults {
  /** The next N `SendMessageBatch` entries come back `Failed` (SenderFault false), unsent. */
  sqsFailedEntries: number;
  /** The next N `SendMessageBatch` calls throw a 500 (the queue is down). */
  sqsDownCalls: number;
  /** The next N `BatchWriteItem` put requests come back as `UnprocessedItems`, unwritten. */
  dynamoUnprocessed: number;
  /** The next N `UpdateItem` calls throw `ProvisionedThroughputExceededException`. */
  dynamoThrottled: number;
  /** `UpdateItem` calls this matches throw a non-retryable error (a crash at that step). */
  crashOnUpdate?: (input: { UpdateExpression?: string }) => boolean;
  /** Keys whose `GetObject` is refused with 403 AccessDenied. */
  forbiddenKeys: Set<string>;
  /** `GetObject` calls (1 for the first since the counts were made) that throw a 500. */
  getObjectDown?: (nth: number) => boolean;
}

export function noFaults(): Faults {
  return {
    sqsFailedEntries: 0,
    sqsDownCalls: 0,
    dynamoUnprocessed: 0,
    dynamoThrottled: 0,
    forbiddenKeys: new Set(),
  };
}

type Counts = Record<string, number>;
type Args = { input: Record<string, unknown> };
type Out = { output: Record<string, unknown>; response: unknown };
type Next = (args: Args) => Promise<Out>;

function awsError(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });
}

async function sendMessageBatch(next: Next, args: Args, faults: Faults): Promise<Out> {
  if (faults.sqsDownCalls > 0) {
    faults.sqsDownCalls--;
    throw awsError("InternalError", 500, "injected: queue unavailable");
  }
  const entries = args.input.Entries as { Id: string }[];
  const failN = Math.min(faults.sqsFailedEntries, entries.length);
  if (failN === 0) return next(args);
  faults.sqsFailedEntries -= failN;
  const pass = entries.slice(failN);
  const out: Out =
    pass.length > 0
      ? await next({ ...args, input: { ...args.input, Entries: pass } })
      : { output: { Successful: [], $metadata: {} }, response: {} };
  const injected = entries
    .slice(0, failN)
    .map((e) => ({ Id: e.Id, SenderFault: false, Code: "InternalError", Message: "injected" }));
  return {
    ...out,
    output: { ...out.output, Failed: [...((out.output.Failed as unknown[]) ?? []), ...injected] },
  };
}

async function batchWriteItem(next: Next, args: Args, faults: Faults): Promise<Out> {
  const requestItems = args.input.RequestItems as Record<string, unknown[]>;
  const [table, requests] = Object.entries(requestItems)[0] ?? ["", []];
  const holdN = Math.min(faults.dynamoUnprocessed, requests.length);
  if (holdN === 0) return next(args);
  faults.dynamoUnprocessed -= holdN;
  const pass = requests.slice(holdN);
  const out: Out =
    pass.length > 0
      ? await next({ ...args, input: { ...args.input, RequestItems: { [table]: pass } } })
      : { output: { UnprocessedItems: {}, $metadata: {} }, response: {} };
  return {
    ...out,
    output: { ...out.output, UnprocessedItems: { [table]: requests.slice(0, holdN) } },
  };
}

interface Stackable {
  readonly middlewareStack: { add: (...args: never[]) => unknown };
}
type AddMiddleware = (
  mw: unknown,
  options: { step: "initialize"; name: string; priority: "low" },
) => void;

/** Adds counting (and fault injection) to a client; returns the live request counts. */
export function instrument(client: Stackable, faults: Faults): Counts {
  const counts: Counts = {};
  const mw = (next: Next, context: { commandName?: string }) => async (args: Args) => {
    const op = (context.commandName ?? "?").replace(/Command$/, "");
    counts[op] = (counts[op] ?? 0) + 1;
    switch (op) {
      case "SendMessageBatch":
        return sendMessageBatch(next, args, faults);
      case "BatchWriteItem":
        return batchWriteItem(next, args, faults);
      case "UpdateItem":
        if (faults.dynamoThrottled > 0) {
          faults.dynamoThrottled--;
          throw awsError("ProvisionedThroughputExceededException", 400, "injected: throttled");
        }
        if (faults.crashOnUpdate?.(args.input as { UpdateExpression?: string })) {
          faults.crashOnUpdate = undefined;
          throw awsError("InjectedCrash", 400, "injected: crash at this step");
        }
        return next(args);
      case "GetObject":
        if (faults.forbiddenKeys.has(args.input.Key as string))
          throw awsError("AccessDenied", 403, "Access Denied");
        if (faults.getObjectDown?.(counts[op] ?? 0))
          throw awsError("InternalError", 500, "injected: S3 unavailable");
        return next(args);
      default:
        return next(args);
    }
  };
  (client.middlewareStack.add as AddMiddleware).call(client.middlewareStack, mw, {
    step: "initialize",
    name: "testInstrument",
    priority: "low",
  });
  return counts;
}
