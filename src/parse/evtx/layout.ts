/**
 * The EVTX file layout (Windows XML Event Log, format 3.x) as this parser reads it: a 4 KiB
 * file header, then 64 KiB chunks, each with a 512-byte header and records of binary XML.
 */
export const EVTX = {
  fileHeaderSize: 4096,
  chunkSize: 65536,
  chunkHeaderSize: 512,
  /** Bytes of the file header covered by its CRC32 (stored at offset 124). */
  fileHeaderCrcLength: 120,
  recordHeaderSize: 24,
  /** Record header (24) plus the trailing copy of the size (4). */
  recordOverhead: 28,
  recordMagic: 0x00002a2a,
  /** Size of a template definition's header: next offset, GUID, data size. */
  templateHeaderSize: 24,
} as const;

/** Offsets of the fields read from the file header. */
export const FILE_HEADER = {
  chunkCount: 42,
  flags: 120,
  crc: 124,
} as const;

/** Offsets of the fields read from a chunk header. */
export const CHUNK_HEADER = {
  firstRecordId: 24,
  lastRecordId: 32,
  lastRecordOffset: 44,
  freeSpaceOffset: 48,
  dataCrc: 52,
  headerCrc: 124,
} as const;

/** Binary XML tokens (low 6 bits; bit 0x40 marks "has attributes" / "more follows"). */
export const TOKEN = {
  eof: 0x00,
  openStartElement: 0x01,
  closeStartElement: 0x02,
  closeEmptyElement: 0x03,
  endElement: 0x04,
  value: 0x05,
  attribute: 0x06,
  cdata: 0x07,
  charRef: 0x08,
  entityRef: 0x09,
  piTarget: 0x0a,
  piData: 0x0b,
  templateInstance: 0x0c,
  normalSubstitution: 0x0d,
  optionalSubstitution: 0x0e,
  fragmentHeader: 0x0f,
  hasMoreFlag: 0x40,
} as const;

/** Value types of substitutions and value tokens; `array` is a flag on the element type. */
export const VALUE = {
  null: 0x00,
  wstring: 0x01,
  string: 0x02,
  int8: 0x03,
  uint8: 0x04,
  int16: 0x05,
  uint16: 0x06,
  int32: 0x07,
  uint32: 0x08,
  int64: 0x09,
  uint64: 0x0a,
  real32: 0x0b,
  real64: 0x0c,
  bool: 0x0d,
  binary: 0x0e,
  guid: 0x0f,
  sizeT: 0x10,
  filetime: 0x11,
  systemtime: 0x12,
  sid: 0x13,
  hexInt32: 0x14,
  hexInt64: 0x15,
  evtHandle: 0x20,
  binXml: 0x21,
  evtXml: 0x23,
  array: 0x80,
} as const;
