import { createHash } from "node:crypto";
import type { SourceRef } from "./types.js";

/**
 * Stable id of a finding: the same detection, by-values and source object (and version) always
 * give the same id, so a re-scan or a redelivered notification can be recognised downstream.
 */
export function findingId(
  detectionId: string,
  byValues: readonly string[],
  source: SourceRef,
): string {
  return createHash("sha256")
    .update(JSON.stringify([detectionId, byValues, source.uri, source.versionId ?? null]))
    .digest("hex");
}
