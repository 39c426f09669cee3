/**
 * Base of every error the product throws on purpose. Each area (input, parse, rules, detect,
 * sinks) defines its own subclasses in its own `errors.ts`; all of them set `name` and pass
 * `cause` so a log line shows the whole chain.
 */
export class SysmonHuntError extends Error {
  /** A short, stable, machine-readable code (for logs, metrics and exit-code decisions). */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SysmonHuntError";
    this.code = code;
  }
}
