import { describe, expect, it } from "vitest";
import type { PlatformError } from "../../core/errors.ts";
import { ZaloApiError } from "./client.ts";
import { toPlatformError } from "./transport.ts";

const kindOf = (code: number, description: string) =>
  (toPlatformError(new ZaloApiError("sendMessage", code, description)) as PlatformError).kind;

describe("Zalo's refusals in the core's terms", () => {
  it("reads a person's block from the words of the answer, whatever its code", () => {
    expect(kindOf(403, "The user has blocked the bot")).toBe("blocked");
    expect(kindOf(400, "Người dùng đã chặn tin nhắn từ bot")).toBe("blocked");
  });

  it("never takes the bot's own token problem (401) or other refusals for a block", () => {
    // A block would mark the chat unreachable: on a 401 that would be every chat.
    expect(kindOf(401, "Unauthorized: bot blocked by Zalo")).toBe("permanent");
    expect(kindOf(404, "User not found")).toBe("permanent");
    expect(kindOf(403, "Forbidden")).toBe("permanent");
    expect(kindOf(429, "Quota exceeded")).toBe("rate_limited");
    expect(kindOf(502, "Bad Gateway")).toBe("transient");
  });
});
