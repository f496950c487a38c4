import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.ts";
import { SignedLinks } from "./signedLinks.ts";

describe("signed media links", () => {
  const clock = new ManualClock("2026-03-02T00:00:00Z");
  const links = new SignedLinks(() => "https://bot.example.vn/", "media", 600_000, clock, "secret");
  const token = (url: string) => url.split("/media/")[1] ?? "";

  it("grant the storage key they were made for, until they expire", () => {
    const url = links.url("ab/abcdef.jpg");
    expect(url.startsWith("https://bot.example.vn/media/")).toBe(true);
    expect(links.verify(token(url))).toBe("ab/abcdef.jpg");
    clock.advance(601_000);
    expect(links.verify(token(url))).toBeNull();
  });

  it("refuse a forged or altered token", () => {
    const url = links.url("ab/abcdef.jpg");
    const [key, expires, signature] = token(url).split(".");
    const otherKey = Buffer.from("cd/other.jpg").toString("base64url");
    expect(links.verify(`${otherKey}.${expires}.${signature}`)).toBeNull();
    expect(links.verify(`${key}.${Number(expires) + 1000}.${signature}`)).toBeNull();
    expect(links.verify("garbage")).toBeNull();
    expect(
      new SignedLinks(() => "https://x", "media", 600_000, clock, "other").verify(token(url)),
    ).toBeNull();
  });

  it("never open another route: a photo's link is not a download", () => {
    const downloads = new SignedLinks(
      () => "https://bot.example.vn/",
      "downloads",
      600_000,
      clock,
      "secret",
    );
    expect(downloads.verify(token(links.url("ab/abcdef.jpg")))).toBeNull();
  });
});
