import { describe, expect, it } from "vitest";
import type { Capabilities } from "../core/capabilities.ts";
import { replyParts } from "./replyParts.ts";

const app = (documents: boolean): Capabilities => ({
  textLimit: 20,
  buttons: true,
  editMessages: true,
  groups: true,
  documents,
});
const doc = (name: string) => ({ fileName: name, mimeType: "text/csv", path: `/x/${name}` });

describe("a reply as the sends it takes", () => {
  it("sends the text with its links first, then each document alone", () => {
    const parts = replyParts(
      [{ text: "links", documents: [doc("a.csv"), doc("b.zip")] }],
      app(true),
    );
    expect(parts).toEqual([
      { text: "links" },
      { text: "", documents: [doc("a.csv")] },
      { text: "", documents: [doc("b.zip")] },
    ]);
  });

  it("leaves the documents out where the app takes none (their links are in the text)", () => {
    expect(replyParts([{ text: "links", documents: [doc("a.csv")] }], app(false))).toEqual([
      { text: "links" },
    ]);
  });

  it("splits a long text at the app's limit, with the buttons on the last piece", () => {
    const choices = [{ id: "1", label: "OK" }];
    const parts = replyParts(
      [{ text: "dòng một\ndòng hai\ndòng ba", choices, replaces: "7" }],
      app(true),
    );
    expect(parts).toEqual([{ text: "dòng một\ndòng hai" }, { text: "dòng ba", choices }]);
  });

  it("keeps an edit in place and a photo with its caption whole", () => {
    const photo = { fileName: "p.png", mimeType: "image/png", bytes: new Uint8Array([1]) };
    const edit = { text: "đã chọn 2", replaces: "7" };
    const captioned = { text: "một caption dài hơn hai mươi ký tự", photo };
    expect(replyParts([edit, captioned], app(true))).toEqual([edit, captioned]);
  });
});
