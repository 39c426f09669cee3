// dynalite ships no types; this is the part of its API the local stack and tests use.
declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    /** LevelDB folder; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
  }

  /** Returns a Node HTTP server speaking the DynamoDB API; call `listen` on it. */
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
