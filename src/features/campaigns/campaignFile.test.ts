import { describe, expect, it } from "vitest";
import { CampaignFileError, parseCampaignFile } from "./campaignFile.ts";

const tz = "Asia/Ho_Chi_Minh";
const now = new Date("2022-06-30T00:00:00Z");

const good = `title: Đợt thi đua thứ ba năm 2022
description: Phấn đấu hoàn thành toàn diện nhiệm vụ, chỉ tiêu kế hoạch năm 2022
start: 1/7/2022
end: 31/12/2022
criteria:
  - Xây dựng cơ quan, công sở văn minh, xanh, sạch, đẹp và an toàn
  - Hội thi Văn Thể Mỹ
deadlines:
  - 31/7/2022
  - 30/9/2022 17:00
hashtag: xanhsachdep
activate: true
`;

function problemsOf(text: string): string[] {
  try {
    parseCampaignFile(text, tz, now);
  } catch (error) {
    if (error instanceof CampaignFileError) return error.problems;
    throw error;
  }
  return [];
}

describe("campaign files", () => {
  it("read a YAML campaign with Vietnamese dates in the bloc's time zone", () => {
    const { draft, activate } = parseCampaignFile(good, tz, now);
    expect(draft.title).toBe("Đợt thi đua thứ ba năm 2022");
    expect(draft.startsAt.toISOString()).toBe("2022-06-30T17:00:00.000Z");
    expect(draft.deadlines.map((d) => d.toISOString())).toEqual([
      "2022-07-31T10:00:00.000Z",
      "2022-09-30T10:00:00.000Z",
    ]);
    expect(draft.hashtag).toBe("#xanhsachdep");
    expect(activate).toBe(true);
  });

  it("read the same campaign from JSON", () => {
    const json = JSON.stringify({
      title: "Đợt một",
      start: "1/1/2022",
      end: "30/6/2022",
      deadlines: ["31/3/2022"],
    });
    expect(parseCampaignFile(json, tz, now).draft.deadlines).toHaveLength(1);
  });

  it("name the line and field of a date that cannot be read", () => {
    expect(problemsOf(good.replace("30/9/2022 17:00", "30/2/2022"))).toEqual([
      'line 10, deadlines[1]: cannot read the date "30/2/2022" (e.g. 31/12/2022 17:00)',
    ]);
  });

  it("name a deadline outside the campaign and an end before the start", () => {
    expect(problemsOf(good.replace("31/7/2022", "31/1/2023"))).toEqual([
      "line 9, deadlines[0]: must fall within the campaign",
    ]);
    expect(problemsOf(good.replace("end: 31/12/2022", "end: 1/1/2022"))).toContain(
      "line 4, end: must be after startsAt",
    );
  });

  it("name missing fields and broken YAML", () => {
    expect(problemsOf("title: x\nstart: 1/1/2022\n")[0]).toMatch(/^end: /);
    expect(problemsOf("title: [unclosed\n")[0]).toMatch(/^line \d+: /);
  });
});
