/** Replaces `$field$` with the finding's value; unknown placeholders stay visible as written. */
export function renderMessage(template: string, fields: Readonly<Record<string, string>>): string {
  return template.replace(/\$([\w.]+)\$/g, (m, name: string) => {
    const key = name.startsWith("Processes.") ? name.slice("Processes.".length) : name;
    return fields[key] ?? m;
  });
}
