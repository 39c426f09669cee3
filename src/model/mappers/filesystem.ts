import { basename, type Fields, isEmpty, type Mapper, put, putSysmonActor } from "../mapperKit.js";

const VENDOR = "Microsoft Sysmon";

function file(out: Fields, target: string | undefined): void {
  put(out, "file_path", target);
  if (!isEmpty(target)) put(out, "file_name", basename(target));
}

/**
 * Sysmon 11 (FileCreate). A file whose creation time is the event's time was created; any
 * other was overwritten, which the Sysmon add-on reports as `modified`.
 */
const fileCreate: Mapper = (d, e) => {
  const out: Fields = { vendor_product: VENDOR };
  putSysmonActor(out, d, e);
  file(out, d.TargetFilename);
  put(out, "file_create_time", d.CreationUtcTime);
  const created =
    isEmpty(d.UtcTime) || isEmpty(d.CreationUtcTime) || d.UtcTime === d.CreationUtcTime;
  out.action = created ? "created" : "modified";
  return out;
};

/** Sysmon 2 (a process changed a file creation time): the new time, action `modified`. */
const fileCreateTime: Mapper = (d, e) => {
  const out: Fields = { vendor_product: VENDOR, action: "modified" };
  putSysmonActor(out, d, e);
  file(out, d.TargetFilename);
  put(out, "file_create_time", d.CreationUtcTime);
  return out;
};

/** Sysmon 23 (FileDelete, archived) and 26 (FileDeleteDetected): action `deleted`. */
const fileDelete: Mapper = (d, e) => {
  const out: Fields = { vendor_product: VENDOR, action: "deleted" };
  putSysmonActor(out, d, e);
  file(out, d.TargetFilename);
  put(out, "file_hash", d.Hashes);
  return out;
};

/** `Endpoint.Filesystem` mappers by Sysmon event id. */
export const FILESYSTEM_MAPPERS: ReadonlyMap<number, Mapper> = new Map([
  [2, fileCreateTime],
  [11, fileCreate],
  [23, fileDelete],
  [26, fileDelete],
]);
