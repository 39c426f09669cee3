import { describe, expect, it } from "vitest";
import { withNames } from "../../src/sinks/expressionNames.js";

describe("withNames", () => {
  it("maps every #name placeholder of every expression to its attribute", () => {
    const out = withNames({
      UpdateExpression:
        "ADD #count :n SET #status = :s, #first_seen_at = if_not_exists(#first_seen_at, :t)",
      ConditionExpression: "attribute_not_exists(#pk) OR #status = :old",
    });
    expect(out.ExpressionAttributeNames).toEqual({
      "#count": "count",
      "#status": "status",
      "#first_seen_at": "first_seen_at",
      "#pk": "pk",
    });
  });
  it("keeps names given explicitly and adds nothing without placeholders", () => {
    expect(
      withNames({ KeyConditionExpression: "#k = :v", ExpressionAttributeNames: { "#k": "pk" } })
        .ExpressionAttributeNames,
    ).toEqual({
      "#k": "pk",
    });
    expect(withNames({ UpdateExpression: "SET a = :a" })).toEqual({
      UpdateExpression: "SET a = :a",
    });
  });
});
