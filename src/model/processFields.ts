/** Fields of the CIM `Endpoint.Processes` dataset (Splunk Common Information Model 5.x). */
export const PROCESS_FIELDS = [
  "action",
  "dest",
  "dest_bunit",
  "dest_category",
  "dest_priority",
  "original_file_name",
  "os",
  "parent_process",
  "parent_process_exec",
  "parent_process_guid",
  "parent_process_id",
  "parent_process_name",
  "parent_process_path",
  "process",
  "process_current_directory",
  "process_exec",
  "process_guid",
  "process_hash",
  "process_id",
  "process_integrity_level",
  "process_name",
  "process_path",
  "user",
  "user_bunit",
  "user_category",
  "user_id",
  "user_priority",
  "vendor_product",
] as const;

export type ProcessField = (typeof PROCESS_FIELDS)[number];

const FIELD_SET: ReadonlySet<string> = new Set(PROCESS_FIELDS);

export function isProcessField(name: string): name is ProcessField {
  return FIELD_SET.has(name);
}

/**
 * Fields whose value is always a verbatim substring of one field of the source event (for
 * every mapped source), so a literal in such a value also appears in the raw event text.
 * `user`, `process_id` and the integrity level are rebuilt or converted for Security 4688.
 */
export const VERBATIM_FIELDS: ReadonlySet<ProcessField> = new Set<ProcessField>([
  "dest",
  "original_file_name",
  "parent_process",
  "parent_process_exec",
  "parent_process_guid",
  "parent_process_name",
  "parent_process_path",
  "process",
  "process_current_directory",
  "process_exec",
  "process_guid",
  "process_hash",
  "process_name",
  "process_path",
]);
