import { describe, expect, it } from "vitest";
import { splitText } from "./splitText.ts";

describe("splitting long text for a platform's limit", () => {
  it("keeps short text whole", () => {
    expect(splitText("xin chào", 10)).toEqual(["xin chào"]);
  });

  it("cuts at line breaks first, then spaces, then anywhere", () => {
    expect(splitText("dòng một\ndòng hai\ndòng ba", 18)).toEqual(["dòng một\ndòng hai", "dòng ba"]);
    expect(splitText("một hai ba bốn", 8)).toEqual(["một hai", "ba bốn"]);
    expect(splitText("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
  });

  it("never returns a part over the limit", () => {
    const text = Array.from({ length: 500 }, (_, i) => `Đơn vị ${i}: đã hoàn thành`).join("\n");
    for (const part of splitText(text, 2000)) expect(part.length).toBeLessThanOrEqual(2000);
    expect(splitText(text, 2000).join("\n")).toBe(text);
  });
});
