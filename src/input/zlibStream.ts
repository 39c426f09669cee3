import type { Transform } from "node:stream";

/**
 * Pipes a chunked byte stream through a zlib transform (with backpressure) and yields its
 * output: all of what it inflated, also before it failed. `onError` turns a zlib failure into
 * the caller's error; the transform is always destroyed and the feeding loop awaited, also when
 * the consumer stops early. A failure never leaves the feeding loop waiting for room. An error
 * of `stream` itself (S3 broke off) is thrown as it is: not the data's fault, so worth a retry.
 */
export async function* throughZlib(
  stream: AsyncIterable<Buffer>,
  z: Transform,
  onError: (err: Error) => Error,
): AsyncIterable<Buffer> {
  let broke: { readonly error: Error } | undefined;
  const feed = (async () => {
    try {
      for await (const chunk of stream) {
        if (z.destroyed) return;
        if (!z.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              z.off("drain", done);
              z.off("close", done);
              resolve();
            };
            z.on("drain", done);
            z.on("close", done);
          });
        }
      }
      if (!z.destroyed) z.end();
    } catch (err) {
      broke = { error: err as Error };
      z.destroy(err as Error);
    }
  })();
  try {
    yield* output(z, (err) => (err === broke?.error ? err : onError(err)));
  } finally {
    z.destroy();
    await feed;
  }
}

/**
 * Everything `z` inflated, then its error if it failed. Not `for await (... of z)`: that drops
 * what waits in the stream's buffer once it errors, so how much of a damaged input was read
 * depended on how far the reader lagged behind (up to 2 MiB with `unwrap`'s gunzip).
 */
async function* output(z: Transform, onError: (err: Error) => Error): AsyncIterable<Buffer> {
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  // left on: `z` is destroyed after (and an 'error' emitted with no listener would be uncaught)
  for (const e of ["readable", "end", "error", "close"]) z.on(e, poke);
  for (;;) {
    // a destroyed stream still hands out its buffer
    const chunk = z.read() as Buffer | null;
    if (chunk !== null) {
      yield chunk;
      continue;
    }
    if (z.errored !== null) throw onError(z.errored);
    if (z.readableEnded || z.destroyed) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}
