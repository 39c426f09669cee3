import { fileURLToPath } from "node:url";

/** The package root (works from `src/cli/` under tsx and from `dist/cli/` once built). */
export const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Rules and macros the product ships. */
export const SHIPPED = {
  rules: fileURLToPath(new URL("../../rules", import.meta.url)),
  macros: fileURLToPath(new URL("../../rules/macros", import.meta.url)),
} as const;

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
