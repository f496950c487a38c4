import { type Context, Hono } from "hono";
import { AppError } from "../core/errors.ts";
import { roleNeedsUnit, roleSchema } from "../core/roles.ts";
import { describeCodes } from "../features/membership/handlers.ts";
import { memberActor } from "../services/auditLog.ts";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import { type IssuedCode, MembersPage, type PendingChange } from "./pages/members.tsx";
import { UnitPage } from "./pages/unit.tsx";
import { idParam } from "./params.ts";

/** Refusals the page answers itself, beside what was asked, with nothing changed. */
const REFUSALS_ON_PAGE = new Set([
  "unit_name_taken",
  "unit_name_unchanged",
  "unit_already_retired",
  "name_invalid",
  "name_taken",
  "last_lead",
  "role_unchanged",
  "role_needs_unit",
]);

/**
 * The members page's routes: members (a role, a removal: the same services and the
 * same question as /members), invite codes, and units (add, rename, retire); and a
 * unit's own page. Everything under /web/members, /web/invites and the unit writes is
 * the lead's; a unit's page is also its own members'.
 */
export function peopleRoutes(deps: DashboardDeps): Hono<Env> {
  const { services, clock } = deps;
  const app = new Hono<Env>();

  const membersPage = async (
    c: Context<Env>,
    extra: {
      issued?: IssuedCode;
      notice?: string;
      refused?: string;
      change?: PendingChange;
    } = {},
  ) => {
    const viewer = c.get("viewer");
    const blocId = viewer.actor.blocId;
    const [members, invites, units] = await Promise.all([
      services.blocs.listMembers(blocId),
      services.membership.listInvites(blocId),
      services.blocs.allUnits(blocId),
    ]);
    return c.html(
      <MembersPage
        viewer={viewer}
        members={members}
        invites={invites}
        units={units.filter((u) => u.retiredAt === null)}
        retiredUnits={units.filter((u) => u.retiredAt !== null)}
        {...extra}
        now={clock.now()}
      />,
      extra.refused ? 400 : 200,
    );
  };

  /** Runs a lead's change; a refusal the page can explain is shown there (400). */
  const attempt = async (c: Context<Env>, run: () => Promise<string>) => {
    try {
      return await membersPage(c, { notice: await run() });
    } catch (error) {
      if (!(error instanceof AppError) || !REFUSALS_ON_PAGE.has(error.code)) throw error;
      const t = c.get("viewer").t;
      return membersPage(c, { refused: t(`errors:${error.code}`, error.params) });
    }
  };
  const leadOnly = (c: Context<Env>) => {
    if (!c.get("viewer").lead) throw new AppError("forbidden");
    return c.get("viewer");
  };
  const text = (value: unknown) => (typeof value === "string" ? value : "");

  app.get("/web/members", (c) => membersPage(c));

  app.post("/web/members/:id/role", async (c) => {
    const viewer = leadOnly(c);
    const body = await c.req.parseBody();
    const role = roleSchema.safeParse(body.role);
    if (!role.success)
      throw new AppError("bad_arguments", { usage: "LEAD | REVIEWER | FOCAL | OFFICER" });
    const member = await services.roster.get(viewer.actor.blocId, idParam(c));
    const { t } = viewer;
    const roleName = t(`common:role.${role.data}`);
    if (body.confirm !== "yes") {
      return membersPage(c, {
        change: {
          question: t("membership:confirm_role", { name: member.displayName, role: roleName }),
          action: `/web/members/${member.id}/role`,
          fields: { role: role.data },
          yes: t("membership:confirm_yes"),
        },
      });
    }
    return attempt(c, async () => {
      await services.roster.changeRole(
        viewer.actor.blocId,
        member.id,
        role.data,
        memberActor(viewer.actor.memberId),
      );
      return t("membership:role_changed", { name: member.displayName, role: roleName });
    });
  });

  app.post("/web/members/:id/remove", async (c) => {
    const viewer = leadOnly(c);
    const body = await c.req.parseBody();
    const member = await services.roster.get(viewer.actor.blocId, idParam(c));
    const { t } = viewer;
    if (body.confirm !== "yes") {
      const codes = await services.roster.usedCodes(viewer.actor.blocId, member.id);
      return membersPage(c, {
        change: {
          question: t("membership:confirm_remove", { name: member.displayName }),
          action: `/web/members/${member.id}/remove`,
          fields: {},
          yes: t("membership:remove_member"),
          codes: codes.length ? describeCodes(viewer, codes) : undefined,
        },
      });
    }
    return attempt(c, async () => {
      const { revokedCodes } = await services.roster.remove(
        viewer.actor.blocId,
        member.id,
        memberActor(viewer.actor.memberId),
        { revokeCodes: body.revoke === "yes" },
      );
      return revokedCodes > 0
        ? t("membership:removed_revoked", { name: member.displayName, count: revokedCodes })
        : t("membership:removed", { name: member.displayName });
    });
  });

  app.post("/web/invites", async (c) => {
    const viewer = leadOnly(c);
    const body = await c.req.parseBody();
    const role = roleSchema.safeParse(body.role);
    const unitId = body.unit ? Number(body.unit) : null;
    if (!role.success) throw new AppError("bad_arguments", { usage: "FOCAL | OFFICER | LEAD" });
    const units = await services.blocs.listUnits(viewer.actor.blocId);
    if (unitId !== null && !units.some((u) => u.id === unitId)) throw new AppError("not_found");
    if (roleNeedsUnit(role.data) && unitId === null) throw new AppError("role_needs_unit");
    const invite = await services.membership.issueInvite({
      blocId: viewer.actor.blocId,
      unitId,
      role: role.data,
      issuer: memberActor(viewer.actor.memberId),
    });
    const username = deps.telegramUsername();
    const plain = invite.code.replace(/-/g, "");
    const deepLink = username ? `https://t.me/${username}?start=${plain}` : null;
    // Loaded on the first invite shown: one page of the dashboard needs it, the process's start does not.
    const QRCode = (await import("qrcode")).default;
    const qrSvg = await QRCode.toString(deepLink ?? `/join ${invite.code}`, {
      type: "svg",
      margin: 1,
      width: 220,
    });
    return membersPage(c, {
      issued: { code: invite.code, role: invite.role, unitName: invite.unitName, deepLink, qrSvg },
    });
  });

  app.post("/web/invites/:id/revoke", async (c) => {
    const viewer = leadOnly(c);
    await services.membership.revokeInvite(
      idParam(c),
      memberActor(viewer.actor.memberId),
      viewer.actor.blocId,
    );
    return c.redirect("/web/members", 303);
  });

  app.post("/web/units", async (c) => {
    const viewer = leadOnly(c);
    const body = await c.req.parseBody();
    return attempt(c, async () => {
      const unit = await services.blocs.addUnit(
        viewer.actor.blocId,
        text(body.name),
        memberActor(viewer.actor.memberId),
      );
      return viewer.t("web:members.unit_added", { name: unit.name });
    });
  });

  app.post("/web/units/:id/rename", async (c) => {
    const viewer = leadOnly(c);
    const body = await c.req.parseBody();
    const unitId = idParam(c);
    return attempt(c, async () => {
      const before = await services.blocs.unitOf(viewer.actor.blocId, unitId);
      const unit = await services.blocs.renameUnit(
        unitId,
        text(body.name),
        memberActor(viewer.actor.memberId),
        viewer.actor.blocId,
      );
      return viewer.t("units:renamed", { from: before.name, to: unit.name });
    });
  });

  app.post("/web/units/:id/retire", async (c) => {
    const viewer = leadOnly(c);
    const body = await c.req.parseBody();
    const unit = await services.blocs.unitOf(viewer.actor.blocId, idParam(c));
    const { t } = viewer;
    if (body.confirm !== "yes") {
      return membersPage(c, {
        change: {
          question: t("units:confirm_retire", { name: unit.name }),
          action: `/web/units/${unit.id}/retire`,
          fields: {},
          yes: t("units:retire_yes"),
        },
      });
    }
    return attempt(c, async () => {
      const retired = await services.blocs.retireUnit(
        viewer.actor.blocId,
        unit.id,
        memberActor(viewer.actor.memberId),
      );
      return t("units:retired", { name: retired.name, count: retired.revokedCodes });
    });
  });

  app.get("/web/units/:id", async (c) => {
    const viewer = c.get("viewer");
    const unitId = idParam(c);
    const unit = await services.blocs.unitOf(viewer.actor.blocId, unitId);
    if (!(viewer.reviewer || viewer.actor.unitId === unitId)) throw new AppError("forbidden");
    const [reports, active] = await Promise.all([
      services.reports.unitReports(viewer.actor.blocId, unitId),
      services.campaigns.list(viewer.actor.blocId, ["ACTIVE"]),
    ]);
    return c.html(
      <UnitPage
        viewer={viewer}
        unit={unit}
        reports={reports}
        campaigns={active.map((x) => ({ id: x.id, title: x.title, deadlines: x.deadlines }))}
        now={clock.now()}
      />,
    );
  });
  return app;
}
