import { describe, expect, it } from "vitest";
import {
  displayInviteCode,
  generateInviteCode,
  hashInviteCode,
  INVITE_ALPHABET,
  legacyInviteHash,
  normalizeInviteCode,
} from "./inviteCode.ts";

describe("invite codes", () => {
  it("are 8 characters a phone user cannot misread", () => {
    for (let i = 0; i < 200; i++) {
      const code = generateInviteCode();
      expect(code).toMatch(new RegExp(`^[${INVITE_ALPHABET}]{8}$`));
    }
    expect(INVITE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it("accept what people type: dashes, spaces, lower case", () => {
    expect(normalizeInviteCode(" k7qm-3xpa ")).toBe("K7QM3XPA");
    expect(normalizeInviteCode("K7QM 3XPA")).toBe("K7QM3XPA");
    expect(normalizeInviteCode("K7QM3XP")).toBeNull();
    expect(normalizeInviteCode("K7QM3XP0")).toBeNull();
  });

  it("are stored only as a keyed hash: another server's key gives another hash", () => {
    const key = Buffer.alloc(32, 1);
    const hash = hashInviteCode("K7QM3XPA", key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain("K7QM3XPA");
    expect(hashInviteCode("K7QM3XPA", Buffer.alloc(32, 2))).not.toBe(hash);
    expect(hash).not.toBe(legacyInviteHash("K7QM3XPA"));
    expect(displayInviteCode("K7QM3XPA")).toBe("K7QM-3XPA");
  });
});
