import type { App } from "../../app.ts";
import { parseDateInput } from "../../features/campaigns/dateInput.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { AdminError, type AdminResult } from "../adminResult.ts";
import { type AdminVerb, id } from "../adminVerb.ts";

/*
 * `ballot open|close|show|threshold` and `registration list`: the operator's side of the
 * year, on the same services as the chat. Before closing, `show` gives who has voted,
 * never a count; after, the counts per candidate by unit name and who is elected.
 */

export interface BallotOptions {
  bloc?: string | undefined;
  question?: string | undefined;
  candidates?: string | undefined;
  choose?: string | undefined;
  closes?: string | undefined;
  quorum?: string | undefined;
  year?: string | undefined;
}

const positive = (label: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new AdminError(`${label} must be a positive number, got "${value ?? ""}"`, 2);
  }
  return n;
};

export async function ballotCommand(
  app: App,
  verb: string | undefined,
  rest: string[],
  options: BallotOptions,
): Promise<AdminResult> {
  const ballots = app.services.ballots;
  switch (verb) {
    case "open": {
      const bloc = await app.services.blocs.getBloc(positive("--bloc", options.bloc));
      const candidates = (options.candidates ?? "")
        .split(/[,\s]+/)
        .filter(Boolean)
        .map((c) => positive("--candidates", c));
      const closesAt = options.closes
        ? (parseDateInput(options.closes, bloc.timezone, app.deps.clock.now(), "officeClose") ??
          new Date(options.closes))
        : new Date(Number.NaN);
      if (Number.isNaN(closesAt.getTime())) {
        throw new AdminError('--closes must be a date, e.g. "20/12/2026 17:00"', 2);
      }
      const view = await ballots.open(
        bloc.id,
        {
          question: options.question ?? "",
          candidates,
          choose: positive("--choose", options.choose ?? "1"),
          closesAt,
          ...(options.quorum ? { quorum: positive("--quorum", options.quorum) } : {}),
        },
        "operator",
      );
      return {
        json: { id: view.id, status: view.status, eligible: view.eligible, quorum: view.quorum },
        text: `ballot ${view.id} open until ${formatDateTime(view.closesAt, bloc.timezone)}: ${view.candidates.map((c) => c.unitName).join(", ")}; quorum ${view.quorum}/${view.eligible}, elected with ${view.needed} votes (${view.thresholdPercent} %)`,
      };
    }
    case "close": {
      const ballotId = positive("ballotId", rest[0]);
      const blocId = await ballots.blocOf(ballotId);
      await ballots.close(blocId, ballotId, "operator");
      return show(app, ballotId);
    }
    case "show":
      return show(app, positive("ballotId", rest[0]));
    case "threshold": {
      const bloc = await app.services.blocs.getBloc(positive("blocId", rest[0]));
      const percent = positive("percent", rest[1]);
      await ballots.setThreshold(bloc.id, percent, "operator");
      return {
        json: { blocId: bloc.id, thresholdPercent: percent },
        text: `threshold ${percent} %`,
      };
    }
    default:
      throw new AdminError(`unknown ballot command "${verb ?? ""}"`, 2);
  }
}

async function show(app: App, ballotId: number): Promise<AdminResult> {
  const ballots = app.services.ballots;
  const blocId = await ballots.blocOf(ballotId);
  const view = await ballots.view(blocId, ballotId);
  const rounds = (await ballots.results(blocId))
    .filter((r) => r.ballotId === ballotId)
    .sort((a, b) => a.round - b.round);
  const json = {
    id: view.id,
    question: view.question,
    status: view.status,
    round: view.round,
    eligible: view.eligible,
    voted: view.voted,
    quorum: view.quorum,
    thresholdPercent: view.thresholdPercent,
    closesAt: view.closesAt.toISOString(),
    votedUnits: view.electorate.filter((e) => e.voted).map((e) => e.unitName),
    rounds: rounds.map((r) => ({
      round: r.round,
      closedAt: r.closedAt.toISOString(),
      eligible: r.eligible,
      voted: r.voted,
      valid: r.valid,
      needed: r.needed,
      votes: Object.fromEntries(r.candidates.map((c) => [c.unitName, c.votes])),
      elected: r.elected.map((e) => e.unitName),
      tied: r.tied.map((e) => e.unitName),
    })),
  };
  const lines = [
    `ballot ${view.id} ${view.status} (round ${view.round}): ${view.question}`,
    `voted ${view.voted}/${view.eligible}, quorum ${view.quorum}`,
    ...json.rounds.flatMap((r) => [
      `round ${r.round}: ${r.valid ? "valid" : "not valid (quorum not met)"}, ${r.voted}/${r.eligible} voted, ${r.needed} votes needed`,
      ...Object.entries(r.votes).map(([unit, votes]) => `  ${unit}\t${votes}`),
      `  elected: ${r.elected.join(", ") || "—"}${r.tied.length ? `; tied: ${r.tied.join(", ")}` : ""}`,
    ]),
  ];
  return { json, text: lines.join("\n") };
}

/** `registration list <blocId> [--year Y]`: every unit with its registration. */
export async function registrationList(
  app: App,
  blocId: number,
  year?: number,
): Promise<AdminResult> {
  const records = await app.services.registrations.records(blocId, year);
  return {
    json: records,
    text: records
      .map(
        (r) =>
          `${r.unitName}\t${r.state}${r.late ? " late" : ""}\t${r.titles.join("; ")}\t${r.commitments.join(" | ")}`,
      )
      .join("\n"),
  };
}

const BALLOT_OPTIONS = ["bloc", "question", "candidates", "choose", "closes", "quorum"] as const;

/** The ballot's verbs and the registrations' list, as the usage shows them. */
export const ballotVerbs: AdminVerb[] = [
  {
    words: "ballot open",
    args: '--bloc <id> --question "…" --candidates <unitId,…> --choose <K> --closes "20/12/2026 17:00" [--quorum N]',
    options: BALLOT_OPTIONS,
    run: ({ app, args, options }) => ballotCommand(app, "open", args, options),
  },
  {
    words: "ballot close",
    args: "<ballotId>",
    does: "count now (before the quorum: recorded as not valid)",
    run: ({ app, args }) => ballotCommand(app, "close", args, {}),
  },
  {
    words: "ballot show",
    args: "<ballotId>",
    does: "status, eligible and voted; after closing each candidate's votes and who is elected",
    run: ({ app, args }) => ballotCommand(app, "show", args, {}),
  },
  {
    words: "ballot threshold",
    args: "<blocId> <percent>",
    does: "share of the member units a candidate needs to be elected",
    run: ({ app, args }) => ballotCommand(app, "threshold", args, {}),
  },
  {
    words: "registration list",
    args: "<blocId> [--year 2026]",
    does: "each unit's registration: state, late, titles, commitments",
    options: ["year"],
    run: ({ app, args, options }) =>
      registrationList(
        app,
        id("blocId", args[0]),
        options.year ? id("--year", options.year) : undefined,
      ),
  },
];
