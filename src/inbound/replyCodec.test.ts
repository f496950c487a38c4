import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../core/outbound.ts";
import { decodeReplies, encodeReplies } from "./replyCodec.ts";

describe("stored replies", () => {
  it("keep a review card's photos by their storage keys, so a restart still sends them", () => {
    const replies: OutboundMessage[] = [
      { text: "✅ Đã duyệt báo cáo của Văn phòng." },
      {
        text: "Báo cáo #7 — Ban Tuyên giáo",
        choices: [{ id: "approve", label: "Duyệt" }],
        album: [
          { storageKey: `ab/${"a".repeat(64)}.png`, caption: "#xanhsachdep" },
          { storageKey: `cd/${"c".repeat(64)}.jpg` },
        ],
      },
    ];
    const stored = encodeReplies(replies);
    // Keys, not bytes: ten photos must not make the update's row megabytes long.
    expect(stored.length).toBeLessThan(600);
    expect(decodeReplies(stored)).toEqual(replies);
  });
});
