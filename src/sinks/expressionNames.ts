/** Expression inputs whose `#name` placeholders `withNames` fills in. */
interface ExpressionInput {
  UpdateExpression?: string;
  ConditionExpression?: string;
  KeyConditionExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}

/**
 * Every attribute in this package's expressions is written `#name` (DynamoDB reserves hundreds
 * of words, `bucket`, `key`, `count` and `status` among them); this adds the matching
 * `ExpressionAttributeNames` entries, `#name` -> `name`.
 */
export function withNames<T extends ExpressionInput>(
  input: T,
): T & { ExpressionAttributeNames?: Record<string, string> } {
  const names: Record<string, string> = { ...input.ExpressionAttributeNames };
  const text = [
    input.UpdateExpression,
    input.ConditionExpression,
    input.KeyConditionExpression,
    input.ProjectionExpression,
  ]
    .filter((s) => s !== undefined)
    .join(" ");
  for (const m of text.matchAll(/#([A-Za-z_][A-Za-z0-9_]*)/g)) names[`#${m[1]}`] ??= m[1] as string;
  return Object.keys(names).length === 0 ? input : { ...input, ExpressionAttributeNames: names };
}
