import { Stack } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * The `Resource::...` finding id cdk-nag's IAM5 rule reports for `arn`, so a wildcard that is
 * intended (object ARNs under a prefix) can be acknowledged exactly and nothing more. Mirrors
 * cdk-nag's flattening of CloudFormation references: `Fn::GetAtt` -> `<Logical.Attr>`,
 * `Ref` -> `<Name>`, `Fn::Join` joined, `${X}` in `Fn::Sub` -> `<X>`. The nag test fails if
 * the two ever disagree.
 */
export function nagResourceId(scope: IConstruct, arn: string): string {
  return `Resource::${flatten(Stack.of(scope).resolve(arn))}`;
}

function flatten(node: unknown): string {
  if (node === undefined) return "";
  if (typeof node === "string") return node.replace(/\$\{/g, "<").replace(/\}/g, ">");
  if (typeof node === "object" && node !== null) {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o["Fn::Join"])) {
      const [delimiter, items] = o["Fn::Join"] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (o["Fn::Sub"] !== undefined) return flatten(o["Fn::Sub"]);
    if (Array.isArray(o["Fn::GetAtt"])) {
      const [resource, attribute] = o["Fn::GetAtt"] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (o["Fn::ImportValue"] !== undefined) return flatten(o["Fn::ImportValue"]);
    if (o.Ref !== undefined) return `<${flatten(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
