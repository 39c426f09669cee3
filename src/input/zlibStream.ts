import type { Transform } from "node:stream";

/**
 * Pipes a chunked byte stream through a zlib transform (with backpressure) and yields its
 * output. `onError` turns a zlib failure into the caller's error; the transform is always
 * destroyed and the feeding loop awaited, also when the consumer stops early.
 */
export async function* throughZlib(
  stream: AsyncIterable<Buffer>,
  z: Transform,
  onError: (err: Error) => Error,
): AsyncIterable<Buffer> {
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
      z.destroy(err as Error);
    }
  })();
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (err) {
    throw onError(err as Error);
  } finally {
    z.destroy();
    await feed;
  }
}
