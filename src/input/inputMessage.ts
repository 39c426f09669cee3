/** What goes before a message about an input: its URI and ": ", or only a space after `stdin:`. */
function prefixOf(uri: string): string {
  return uri.endsWith(":") ? `${uri} ` : `${uri}: `;
}

/** `message` naming the input it is about: `file:///x.log: ...`, `stdin: ...` (not `stdin::`). */
export function aboutInput(uri: string, message: string): string {
  return `${prefixOf(uri)}${message}`;
}

/** `message` without the input's name that `aboutInput` put first; as it is when it has none. */
export function withoutInput(uri: string, message: string): string {
  const prefix = prefixOf(uri);
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
