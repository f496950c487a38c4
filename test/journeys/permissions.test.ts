import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../src/admin/adminCommands.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { png } from "../helpers/images.ts";
import { createTestApp, type TestApp, texts } from "../helpers/testApp.ts";

/*
 * Invariant 5, cell by cell: a lead may do everything in their bloc; a focal point
 * reports for and sees their own unit; an officer sends evidence and sees their
 * own unit; a stranger gets a polite refusal; nobody sees another bloc. A refusal
 * explains itself and changes nothing.
 */

type Who = "lead" | "focal" | "officer" | "stranger" | "otherLead";
type Outcome = "allowed" | "forbidden" | "not_linked" | "not_found" | "nothing_open";

const REFUSALS: Record<Exclude<Outcome, "allowed">, string> = {
  forbidden: "không có quyền",
  not_linked: "chưa được liên kết",
  not_found: "Không tìm thấy",
  /** Their own bloc has no campaign open: nothing of another bloc is offered. */
  nothing_open: "Hiện không có đợt thi đua nào đang mở",
};

const ACTIONS: Record<string, Record<Who, Outcome>> = {
  "/newcampaign": {
    lead: "allowed",
    focal: "forbidden",
    officer: "forbidden",
    stranger: "not_linked",
    otherLead: "allowed",
  },
  "/campaign 1": {
    lead: "allowed",
    focal: "forbidden",
    officer: "forbidden",
    stranger: "not_linked",
    otherLead: "not_found",
  },
  "/campaigns": {
    lead: "allowed",
    focal: "allowed",
    officer: "allowed",
    stranger: "not_linked",
    otherLead: "allowed",
  },
  "/report": {
    lead: "allowed",
    focal: "allowed",
    officer: "forbidden",
    stranger: "not_linked",
    otherLead: "nothing_open",
  },
  "photo #xanhsachdep": {
    lead: "allowed",
    focal: "allowed",
    officer: "allowed",
    stranger: "not_linked",
    otherLead: "nothing_open",
  },
  "/status": {
    lead: "allowed",
    focal: "allowed",
    officer: "allowed",
    stranger: "not_linked",
    otherLead: "allowed",
  },
  "/progress 1": {
    lead: "allowed",
    focal: "forbidden",
    officer: "forbidden",
    stranger: "not_linked",
    otherLead: "not_found",
  },
  "/export 1": {
    lead: "allowed",
    focal: "forbidden",
    officer: "forbidden",
    stranger: "not_linked",
    otherLead: "not_found",
  },
  "/invite": {
    lead: "allowed",
    focal: "forbidden",
    officer: "forbidden",
    stranger: "not_linked",
    otherLead: "allowed",
  },
  "/members": {
    lead: "allowed",
    focal: "forbidden",
    officer: "forbidden",
    stranger: "not_linked",
    otherLead: "allowed",
  },
};

let t: TestApp;
let seed = 0;

beforeAll(async () => {
  t = await createTestApp();
  const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
  await t.chat.as("focal").send(`/join ${invites[3]?.code}`);
  const officer = await t.app.services.membership.issueInvite({
    blocId: 1,
    unitId: 4,
    role: "OFFICER",
    issuer: "operator",
  });
  await t.chat.as("officer").send(`/join ${officer.code}`);
  // A second bloc with its own lead and unit, who must see nothing of the first.
  await runAdminCommand(t.app, ["bloc", "create", "Khối thi đua các sở, ngành"]);
  await runAdminCommand(t.app, ["unit", "add", "2", "Sở Nội vụ"]);
  const otherLead = (
    await runAdminCommand(t.app, [
      "invite",
      "create",
      "--bloc",
      "2",
      "--unit",
      "8",
      "--role",
      "LEAD",
    ])
  ).json as { code: string };
  await t.chat.as("otherLead").send(`/join ${otherLead.code}`);
});
afterAll(() => t.close());

async function attempt(who: Who, action: string) {
  t.chat.as(who);
  await t.chat.send("/cancel");
  if (action.startsWith("photo")) {
    return t.chat.sendFiles(
      [{ bytes: png(8, 8, ++seed), fileName: "p.png" }],
      action.replace("photo ", ""),
    );
  }
  return t.chat.send(action);
}

async function counts() {
  const db = t.app.deps.db;
  return [
    await db.campaign.count(),
    await db.report.count(),
    await db.evidence.count(),
    await db.inviteCode.count(),
  ];
}

describe("who may do what", () => {
  for (const [action, row] of Object.entries(ACTIONS)) {
    for (const [who, outcome] of Object.entries(row) as [Who, Outcome][]) {
      it(`${who}: ${action} → ${outcome}`, async () => {
        const before = await counts();
        const answer = texts(await attempt(who, action));
        if (outcome === "allowed") {
          for (const refusal of Object.values(REFUSALS)) expect(answer).not.toContain(refusal);
          expect(answer.length).toBeGreaterThan(0);
        } else {
          expect(answer).toContain(REFUSALS[outcome]);
          expect(await counts()).toEqual(before);
        }
      });
    }
  }

  it("shows an officer only their own unit in /status", async () => {
    const status = texts(await attempt("officer", "/status"));
    expect(status).toContain("Ban Tuyên giáo Tỉnh ủy");
    expect(status).not.toContain("Văn phòng Tỉnh ủy");
  });
});
