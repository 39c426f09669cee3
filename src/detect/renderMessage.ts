/** Replaces `$field$` with the finding's value; unknown placeholders stay visible as written. */
export function renderMessage(template: string, fields: Readonly<Record<string, string>>): string {
  return template.replace(/\$([\w.]+)\$/g, (m, name: string) => {
    const key = name.replace(/^(?:Processes|Filesystem|Registry|All_Traffic)\./, "");
    return fields[key] ?? m;
  });
}
