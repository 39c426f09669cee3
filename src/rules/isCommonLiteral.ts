/**
 * Text found in most Windows process events, whatever the host: the system and program
 * folders, the user profile folders, the image and library extensions, the system account.
 * A literal inside one of these (`system`, `windows`, `.exe`, `program files`) says almost
 * nothing about an event (lower-cased, as rule literals are).
 */
const COMMON_TEXT = [
  "c:\\windows\\system32\\",
  "c:\\windows\\syswow64\\",
  "c:\\program files (x86)\\",
  "c:\\program files\\",
  "c:\\programdata\\",
  "c:\\users\\",
  "\\appdata\\local\\temp\\",
  "\\appdata\\roaming\\",
  "\\microsoft\\windows\\",
  ".exe",
  ".dll",
  "nt authority\\system",
  "nt authority\\local service",
  "nt authority\\network service",
] as const;

/**
 * Whether a lower-cased literal that every match must contain occurs in most Windows process
 * events anyway (see `COMMON_TEXT`), so that it is a poor pre-filter. Why: chosen by length
 * alone, `*BEGIN*system*` gave `system` and `http*.exe` gave `.exe`, which every process event
 * holds, so the rules they gated ran on every event (bench/profile.ts (m): of 1.68 million
 * security_content rule runs, 1.06 million matched nothing; with common literals passed over,
 * 1.35 million and 0.73 million).
 */
export function isCommonLiteral(text: string): boolean {
  return COMMON_TEXT.some((common) => common.includes(text));
}
