import { type Context, Hono } from "hono";
import { AppError } from "../core/errors.ts";
import { parseDateInput } from "../features/campaigns/dateInput.ts";
import { linesOf } from "../features/registration/titles.ts";
import { formatDateTime, wallClockIn } from "../i18n/datetime.ts";
import { memberActor } from "../services/auditLog.ts";
import type { DashboardDeps } from "./deps.ts";
import type { Env } from "./env.ts";
import type { PageViewer } from "./layout.tsx";
import { type YearData, YearPage } from "./pages/year.tsx";

/** Refusals the year page answers itself, beside the ballot, with nothing changed. */
const REFUSALS_ON_PAGE = new Set([
  "bad_date",
  "registration_already_open",
  "registration_deadline_past",
  "registration_titles_format",
  "ballot_already_open",
  "ballot_candidates_invalid",
  "ballot_choose_invalid",
  "ballot_close_in_past",
  "ballot_question_length",
  "deadline_in_past",
  "ballot_closed",
  "ballot_not_voter",
  "ballot_not_candidate",
  "ballot_too_many",
  "ballot_choose_some",
  "ballot_unit_voted",
]);

/**
 * /web/year: the year page for every member, a unit's secret vote (the same service as
 * /bophieu; the answer names no choice, and the request's body is never logged), and
 * the lead's closing of the ballot.
 */
export function yearRoutes(deps: DashboardDeps): Hono<Env> {
  const { services, clock } = deps;
  const app = new Hono<Env>();

  const load = async (viewer: PageViewer): Promise<YearData> => {
    const { actor } = viewer;
    const year = wallClockIn(clock.now(), actor.timezone).year;
    const [round, registrations, ballot, results] = await Promise.all([
      services.registrations.round(actor.blocId, year),
      services.registrations.records(actor.blocId, year),
      services.ballots.current(actor.blocId),
      services.ballots.results(actor.blocId),
    ]);
    const ranking = viewer.reviewer ? await services.ranking.year(actor.blocId, year) : null;
    const voter =
      ballot?.status === "OPEN" &&
      actor.unitId !== null &&
      (actor.role === "FOCAL" || actor.role === "LEAD")
        ? ballot.electorate.find((e) => e.unitId === actor.unitId)
        : undefined;
    const by =
      voter && ballot
        ? await services.ballots.votedBy(ballot.id, ballot.round, voter.unitId)
        : null;
    const proposed = (
      ranking ?? (viewer.lead ? await services.ranking.year(actor.blocId, year) : null)
    )?.units
      .filter((u) => u.rank !== null)
      .slice(0, 3)
      .map((u) => u.unitId);
    return {
      lead: viewer.lead
        ? {
            units: (await services.blocs.listUnits(actor.blocId)).map((u) => ({
              id: u.id,
              name: u.name,
            })),
            titles: await services.registrations.blocTitles(actor.blocId),
            proposed: proposed ?? [],
            question: viewer.t("ballot:default_question", { year }),
          }
        : null,
      year,
      round,
      registrations,
      ranking,
      ballot,
      canVote: voter !== undefined && (by === null || by.memberId === actor.memberId),
      hasVoted: by !== null,
      results,
    };
  };

  const page = async (c: Context<Env>, notice?: string, status: 200 | 400 = 200) => {
    const viewer = c.get("viewer");
    return c.html(
      <YearPage viewer={viewer} data={await load(viewer)} {...(notice ? { notice } : {})} />,
      status,
    );
  };

  app.get("/web/year", (c) => page(c));

  app.post("/web/year/vote", async (c) => {
    const viewer = c.get("viewer");
    const { actor, t } = viewer;
    const body = await c.req.parseBody({ all: true });
    const ballotId = Number(body.ballot);
    const picked = [body.candidate ?? []].flat().map((v) => Number(v));
    if (!Number.isInteger(ballotId) || picked.some((v) => !Number.isInteger(v))) {
      throw new AppError("bad_arguments", { usage: "" });
    }
    if (actor.unitId === null || (actor.role !== "FOCAL" && actor.role !== "LEAD")) {
      return page(c, t("errors:ballot_not_voter"), 400);
    }
    try {
      const { changed, view } = await services.ballots.cast(
        actor.blocId,
        ballotId,
        { memberId: actor.memberId, unitId: actor.unitId },
        picked,
      );
      return page(
        c,
        t(changed ? "ballot:changed" : "ballot:cast_done", {
          unit: actor.unitName ?? "",
          at: formatDateTime(view.closesAt, actor.timezone),
        }),
      );
    } catch (error) {
      if (error instanceof AppError && REFUSALS_ON_PAGE.has(error.code)) {
        return page(c, t(`errors:${error.code}`, error.params), 400);
      }
      throw error;
    }
  });

  /** The lead's forms: a refusal is said on the page, beside the form, with nothing changed. */
  const asLead = async (c: Context<Env>, act: (viewer: PageViewer) => Promise<string>) => {
    const viewer = c.get("viewer");
    if (!viewer.lead) throw new AppError("forbidden");
    try {
      return page(c, await act(viewer));
    } catch (error) {
      if (error instanceof AppError && REFUSALS_ON_PAGE.has(error.code)) {
        return page(c, viewer.t(`errors:${error.code}`, error.params), 400);
      }
      throw error;
    }
  };

  const dateOf = (viewer: PageViewer, text: string) => {
    const at = parseDateInput(text, viewer.actor.timezone, clock.now(), "officeClose");
    if (!at) throw new AppError("bad_date", { input: text });
    return at;
  };

  app.post("/web/year/registration", (c) =>
    asLead(c, async (viewer) => {
      const body = await c.req.parseBody();
      const actor = memberActor(viewer.actor.memberId);
      const titles = linesOf(String(body.titles ?? ""));
      const round = await services.registrations.open(
        viewer.actor.blocId,
        {
          year: wallClockIn(clock.now(), viewer.actor.timezone).year,
          deadline: dateOf(viewer, String(body.deadline ?? "")),
          ...(titles.length ? { titles } : {}),
        },
        actor,
      );
      if (titles.length)
        await services.registrations.setBlocTitles(viewer.actor.blocId, titles, actor);
      return viewer.t("registration:opened_lead", {
        year: round.year,
        deadline: formatDateTime(round.deadline, viewer.actor.timezone),
        titles: round.titles.join("; "),
      });
    }),
  );

  app.post("/web/year/ballot", (c) =>
    asLead(c, async (viewer) => {
      const body = await c.req.parseBody({ all: true });
      const view = await services.ballots.open(
        viewer.actor.blocId,
        {
          question: String(body.question ?? ""),
          candidates: [body.candidate ?? []].flat().map((v) => Number(v)),
          choose: Number(body.choose),
          closesAt: dateOf(viewer, String(body.closes ?? "")),
        },
        memberActor(viewer.actor.memberId),
      );
      return viewer.t("ballot:opened_lead", { id: view.id, count: view.eligible });
    }),
  );

  app.post("/web/year/close", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer.lead) throw new AppError("forbidden");
    const body = await c.req.parseBody();
    const result = await services.ballots.close(
      viewer.actor.blocId,
      Number(body.ballot),
      memberActor(viewer.actor.memberId),
    );
    return page(
      c,
      viewer.t("ballot:result_title", { question: result.question, round: result.round }),
    );
  });
  return app;
}
