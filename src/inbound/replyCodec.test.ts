import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../core/outbound.ts";
import { decodeReplies, encodeReplies, type StoredPart } from "./replyCodec.ts";

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
    const parts = replies.map((message) => ({ message }));
    const stored = encodeReplies(parts);
    // Keys, not bytes: ten photos must not make the update's row megabytes long.
    expect(stored.length).toBeLessThan(600);
    expect(decodeReplies(stored)).toEqual(parts);
  });

  it("keep which part was given up and why, and the notice that told the person", () => {
    const document = { fileName: "a.zip", mimeType: "application/zip", path: "/x/a.zip" };
    const parts: StoredPart[] = [
      { message: { text: "• a.zip\nhttps://bot.example/downloads/t" } },
      {
        message: { text: "", documents: [{ ...document, url: "https://bot.example/downloads/t" }] },
        missed: "sendDocument: 502 Bad Gateway",
      },
      { message: { text: "⚠️ …" }, notice: true },
    ];
    expect(decodeReplies(encodeReplies(parts))).toEqual(parts);
  });
});
