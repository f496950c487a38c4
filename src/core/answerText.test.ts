import { describe, expect, it } from "vitest";
import {
  commandName,
  decimalAnswer,
  fold,
  matchChoice,
  matchChoices,
  numberAnswer,
} from "./answerText.ts";

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
    expect(matchChoice("Không có gì", skip)).toBeUndefined();
  });

  it("read a bare no as none at an optional step, even where keeping the old one is offered", () => {
    const note = [
      { id: "keep", label: "Giữ ghi chú trước" },
      { id: "skip", label: "Không ghi chú" },
    ];
    for (const text of ["ko", "khong", "không", "k", "Không.", "ko 👍"])
      expect(matchChoice(text, note)?.id, text).toBe("skip");
    expect(matchChoice("ko", [{ id: "done", label: "Không có ảnh" }])?.id).toBe("done");
    expect(matchChoice("no", [{ id: "done", label: "No photos" }])?.id).toBe("done");
    // Where nothing says "none", a no is not a guess.
    expect(matchChoice("ko", [{ id: "done", label: "Xong" }])).toBeUndefined();
    expect(
      matchChoice("ko", [
        { id: "close", label: "Đóng đợt" },
        { id: "keep", label: "Giữ nguyên" },
      ])?.id,
    ).toBe("keep");
  });

  it("ignore an emoji or punctuation after the answer", () => {
    for (const text of ["1 👍", "1👍🏻", "1!", "1 ...", "1 ❤️", "(1) 🙏"])
      expect(numberAnswer(text), text).toBe(1);
    expect(matchChoice("da hoan thanh ✅", status)?.id).toBe("DONE");
    expect(matchChoice("Có 👌", [{ id: "yes", label: "Có, lưu" }])?.id).toBe("yes");
  });

  it("read a label that carries a tick box or an emoji as its words", () => {
    const units = [
      { id: "u1", label: "☐ Văn phòng Tỉnh ủy" },
      { id: "u4", label: "☑ Ban Tuyên giáo Tỉnh ủy" },
    ];
    expect(matchChoice("van phong tinh uy", units)?.id).toBe("u1");
    expect(matchChoice("Ban Tuyên giáo Tỉnh ủy", units)?.id).toBe("u4");
  });

  it("read commands however they are typed", () => {
    expect(commandName("BaoCao")).toBe("baocao");
    expect(commandName("báocáo")).toBe("baocao");
  });
});

describe("several choices in one answer", () => {
  const units = ["Văn phòng", "Ban Tổ chức", "Ban Dân vận", "Ban Nội chính", "Ủy ban Kiểm tra"].map(
    (name, i) => ({ id: `u${i + 1}`, label: `☐ ${name}` }),
  );
  const ids = (text: string) => matchChoices(text, units)?.map((c) => c.id) ?? null;

  it("read lists of numbers however they are separated, and ranges", () => {
    expect(ids("1, 2, 5")).toEqual(["u1", "u2", "u5"]);
    expect(ids("1 2 5")).toEqual(["u1", "u2", "u5"]);
    expect(ids("1,2,5.")).toEqual(["u1", "u2", "u5"]);
    expect(ids("1-3")).toEqual(["u1", "u2", "u3"]);
    expect(ids("3 - 1")).toEqual(["u1", "u2", "u3"]);
    expect(ids("1-2, 5 👍")).toEqual(["u1", "u2", "u5"]);
    expect(ids("2 và 4")).toEqual(["u2", "u4"]);
    expect(ids("2\n4\n2")).toEqual(["u2", "u4"]);
  });

  it("read names without diacritics, mixed with numbers", () => {
    expect(ids("ban dan van, ban noi chinh")).toEqual(["u3", "u4"]);
    expect(ids("van phong; 5")).toEqual(["u1", "u5"]);
  });

  it("understand nothing when a part names no choice", () => {
    expect(ids("1, 9")).toBeNull();
    expect(ids("1-9")).toBeNull();
    expect(ids("ban, 2")).toBeNull();
    expect(ids("")).toBeNull();
    expect(ids("gửi cho tất cả")).toBeNull();
  });
});

describe("scores typed on a phone", () => {
  it("read the usual ways of writing points", () => {
    for (const [text, points] of [
      ["8", 8],
      ["8.", 8],
      ["8,5", 8.5],
      ["8.5", 8.5],
      ["8,5 đ", 8.5],
      ["8,5đ", 8.5],
      ["8 điểm", 8],
      ["8 diem 👍", 8],
      ["8/10", 8],
      ["10", 10],
    ] as const) {
      expect(decimalAnswer(text), text).toBe(points);
    }
    for (const text of ["tám", "8 9", "8,5,5", "-1", "", "8 cái"]) {
      expect(decimalAnswer(text), text).toBeNull();
    }
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
    expect(matchChoice("10.", points)?.id).toBe("v:10");
    expect(matchChoice("7,5 đ", points)?.id).toBe("v:7.5");
    expect(matchChoice("2", points)).toBeUndefined();
    expect(matchChoice("1", points)).toBeUndefined();
  });
});
