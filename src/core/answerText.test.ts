import { describe, expect, it } from "vitest";
import { commandName, fold, matchChoice, numberAnswer } from "./answerText.ts";

const status = [
  { id: "DONE", label: "Đã hoàn thành" },
  { id: "IN_PROGRESS", label: "Đang thực hiện" },
  { id: "NOT_STARTED", label: "Chưa thực hiện" },
];

describe("answers typed on a phone", () => {
  it("read numbers in every common form", () => {
    for (const text of ["1", "1.", "1)", "(1)", "#1", "số 1", "so 1", " 1 . "]) {
      expect(numberAnswer(text), text).toBe(1);
    }
    expect(numberAnswer("1a")).toBeNull();
    expect(matchChoice("2.", status)?.id).toBe("IN_PROGRESS");
    expect(matchChoice("9", status)).toBeUndefined();
  });

  it("read labels without case, diacritics or extra spaces, and a long enough start of one", () => {
    expect(fold("  ĐÃ  Hoàn   thành ")).toBe("da hoan thanh");
    for (const text of [
      "da hoan thanh",
      "Đã hoàn thành.",
      "DA HOAN THANH",
      "da hoan",
      "dang thuc",
    ]) {
      expect(matchChoice(text, status), text).toBeDefined();
    }
    expect(matchChoice("da", status)).toBeUndefined();
    expect(matchChoice("thuc hien", status)).toBeUndefined();
  });

  it("read yes, no and skip words in both languages, only where one choice means them", () => {
    const skip = [{ id: "skip", label: "Không có ghi chú" }];
    for (const text of ["bỏ qua", "bo qua", "Skip", "-"])
      expect(matchChoice(text, skip)?.id).toBe("skip");
    const confirm = [
      { id: "send", label: "Gửi báo cáo" },
      { id: "edit", label: "Sửa" },
      { id: "cancel", label: "Hủy" },
    ];
    for (const text of ["có", "co", "ok", "yes"])
      expect(matchChoice(text, confirm)?.id).toBe("send");
    for (const text of ["không", "ko", "no"]) expect(matchChoice(text, confirm)?.id).toBe("cancel");
    expect(matchChoice("xong", [{ id: "skip", label: "Không có ảnh" }])?.id).toBe("skip");
    expect(
      matchChoice("Xong", [
        { id: "a", label: "x" },
        { id: "done", label: "Xong" },
      ])?.id,
    ).toBe("done");
    // A note that starts like a choice is still a note.
    expect(matchChoice("Không có gì đặc biệt trong tuần này", skip)).toBeUndefined();
    expect(matchChoice("Khong", skip)).toBeUndefined();
  });

  it("read commands however they are typed", () => {
    expect(commandName("BaoCao")).toBe("baocao");
    expect(commandName("báocáo")).toBe("baocao");
  });
});

describe("value choices (a score's common points)", () => {
  const points = [
    { id: "v:10", label: "10" },
    { id: "v:7.5", label: "7.5" },
    { id: "v:0", label: "0" },
  ];
  it("read a typed number as points, never as the n-th button", () => {
    expect(matchChoice("10", points)?.id).toBe("v:10");
    expect(matchChoice("7,5", points)?.id).toBe("v:7.5");
    expect(matchChoice("2", points)).toBeUndefined();
    expect(matchChoice("1", points)).toBeUndefined();
  });
});
