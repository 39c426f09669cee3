import { describe, expect, it } from "vitest";
import { renderMessage } from "../../src/detect/renderMessage.js";

describe("renderMessage", () => {
  it("fills $field$ placeholders from the finding's fields", () => {
    expect(
      renderMessage("Network Connection discovery on $dest$ by $user$", {
        dest: "wks1",
        user: "CORP\\alice",
      }),
    ).toBe("Network Connection discovery on wks1 by CORP\\alice");
  });
  it("leaves unknown placeholders visible", () => {
    expect(renderMessage("on $dest$ via $parent_process_name$", { dest: "wks1" })).toBe(
      "on wks1 via $parent_process_name$",
    );
  });
});
