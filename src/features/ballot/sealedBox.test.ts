import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { boxKey, newSalt, openBox, sealBox, voterTag } from "./sealedBox.ts";

const server = randomBytes(32);

describe("the sealed ballot box", () => {
  it("opens with its key only, and its size says nothing of which candidate was chosen", () => {
    const salt = newSalt();
    const key = boxKey(server, salt, 1, 1);
    const a = sealBox(key, new Map([[voterTag(key, 3), [2]]]), 1, "1:1");
    const b = sealBox(key, new Map([[voterTag(key, 3), [123456]]]), 1, "1:1");
    expect(a.length).toBe(b.length);
    expect(openBox(key, a, "1:1").get(voterTag(key, 3))).toEqual([2]);
    // Another ballot's key, another round, or another salt cannot open it.
    expect(() => openBox(boxKey(server, salt, 2, 1), a, "1:1")).toThrow();
    expect(() => openBox(boxKey(server, salt, 1, 2), a, "1:1")).toThrow();
    expect(() => openBox(boxKey(server, newSalt(), 1, 1), a, "1:1")).toThrow();
    expect(() => openBox(key, a, "2:1")).toThrow();
    // Sealed twice, the same content reads differently (a new IV each time).
    expect(sealBox(key, new Map([[voterTag(key, 3), [2]]]), 1, "1:1")).not.toBe(a);
  });

  it("keeps entries under tags no one can compute without the key, in tag order", () => {
    const key = boxKey(server, newSalt(), 1, 1);
    const tags = [5, 1, 9].map((unit) => voterTag(key, unit));
    expect(new Set(tags).size).toBe(3);
    for (const tag of tags) expect(tag).toMatch(/^[0-9a-f]{32}$/);
    const other = boxKey(server, newSalt(), 1, 1);
    expect(voterTag(other, 5)).not.toBe(tags[0]);
    const sealed = sealBox(key, new Map(tags.map((tag, i) => [tag, [i]])), 1, "x");
    expect([...openBox(key, sealed, "x").keys()]).toEqual([...tags].sort());
  });
});
