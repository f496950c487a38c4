import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import type { Language } from "../../core/roles.ts";
import type { Db } from "../../db/client.ts";
import type { Outbox } from "../../delivery/outbox.ts";
import type { Translator } from "../../i18n/translator.ts";
import { type AuditActor, recordAudit } from "../../services/auditLog.ts";
import { announceToBloc } from "./ballotAnnouncement.ts";
import { reminderSlot, remindNonVoters } from "./ballotReminders.ts";
import type { BallotResult } from "./ballotResult.ts";
import {
  type BallotView,
  ballotUnits,
  ids,
  loadBallotView,
  type OpenBallot,
} from "./ballotView.ts";
import { countRound, defaultQuorum } from "./count.ts";
import { openedLines } from "./openedText.ts";
import { resultLines } from "./resultText.ts";
import { boxKey, newSalt, openBox, sealBox, voterTag } from "./sealedBox.ts";

export type { BallotStatus, BallotView, OpenBallot } from "./ballotView.ts";
export type { BallotResult };

/**
 * The secret ballot (bình xét, suy tôn): one vote per member unit, cast by one of its
 * focal points, changeable until closing. Who has voted is kept in BallotVoter; what
 * was chosen only sealed (sealedBox.ts) until the count, then as counts per candidate.
 */
export class BallotService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly translator: Translator,
    private readonly defaultLanguage: Language,
    private readonly serverKey: Buffer,
    private readonly nudge: () => void = () => {},
  ) {}

  /** What telling every member unit needs (ballotAnnouncement.ts). */
  #teller() {
    return {
      outbox: this.outbox,
      translator: this.translator,
      defaultLanguage: this.defaultLanguage,
    };
  }

  async open(blocId: number, input: OpenBallot, actor: AuditActor): Promise<BallotView> {
    const now = this.clock.now();
    const id = await this.db.$transaction(async (tx) => {
      const existing = await tx.ballot.findFirst({ where: { blocId, status: "OPEN" } });
      if (existing) throw new AppError("ballot_already_open", { id: existing.id });
      const bloc = await tx.bloc.findUniqueOrThrow({ where: { id: blocId } });
      const units = (await ballotUnits(tx, blocId)).filter((u) => u.retiredAt === null);
      const active = new Set(units.map((u) => u.id));
      const candidates = [...new Set(input.candidates)];
      if (candidates.length === 0 || candidates.some((c) => !active.has(c))) {
        throw new AppError("ballot_candidates_invalid");
      }
      if (!Number.isInteger(input.choose) || input.choose < 1 || input.choose > candidates.length) {
        throw new AppError("ballot_choose_invalid", { max: candidates.length });
      }
      if (input.closesAt.getTime() <= now.getTime()) throw new AppError("deadline_in_past");
      const quorum = input.quorum ?? defaultQuorum(units.length);
      if (!Number.isInteger(quorum) || quorum < 1 || quorum > units.length) {
        throw new AppError("ballot_quorum_invalid", { max: units.length });
      }
      const ballot = await tx.ballot.create({
        data: {
          blocId,
          question: input.question.trim().slice(0, 300),
          candidates: JSON.stringify(candidates),
          choose: input.choose,
          electorate: JSON.stringify(units.map((u) => u.id)),
          quorum,
          thresholdPercent: bloc.ballotThreshold,
          closesAt: input.closesAt,
          openedAt: now,
          openedBy: actor,
          salt: newSalt(),
        },
      });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "ballot_open",
        blocId,
        details: { ballotId: ballot.id, candidates, choose: input.choose, quorum },
      });
      await announceToBloc(
        tx,
        this.#teller(),
        ballot.id,
        () => `ballot:${ballot.id}:1:open`,
        openedLines,
      );
      return ballot.id;
    });
    this.nudge();
    return this.view(blocId, id);
  }

  /** The bloc a ballot belongs to (the operator names ballots by id alone). */
  async blocOf(ballotId: number): Promise<number> {
    const row = await this.db.ballot.findUnique({ where: { id: ballotId } });
    if (!row) throw new AppError("not_found");
    return row.blocId;
  }

  /** The bloc's threshold (percent of member units) a ballot states when it opens. */
  async threshold(blocId: number): Promise<number> {
    return (await this.db.bloc.findUniqueOrThrow({ where: { id: blocId } })).ballotThreshold;
  }

  async setThreshold(blocId: number, percent: number, actor: AuditActor): Promise<void> {
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
      throw new AppError("ballot_threshold_invalid");
    }
    await this.db.$transaction(async (tx) => {
      await tx.bloc.update({ where: { id: blocId }, data: { ballotThreshold: percent } });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "ballot_threshold",
        blocId,
        details: { percent },
      });
    });
  }

  /** The bloc's open ballot, else its latest. */
  async current(blocId: number): Promise<BallotView | null> {
    const row =
      (await this.db.ballot.findFirst({ where: { blocId, status: "OPEN" } })) ??
      (await this.db.ballot.findFirst({ where: { blocId }, orderBy: { id: "desc" } }));
    return row ? loadBallotView(this.db, row.id) : null;
  }

  async view(blocId: number, ballotId: number): Promise<BallotView> {
    const row = await this.db.ballot.findFirst({ where: { id: ballotId, blocId } });
    if (!row) throw new AppError("not_found");
    return loadBallotView(this.db, ballotId);
  }

  /**
   * Casts or changes a unit's vote. One vote per unit: a second focal point of a unit
   * that has voted is told so (the one who cast it may change it). Refused without a
   * change: a closed ballot, a unit not voting, a choice not on the ballot, too many.
   */
  async cast(
    blocId: number,
    ballotId: number,
    voter: { memberId: number; unitId: number | null },
    choices: number[],
  ): Promise<{ changed: boolean; view: BallotView }> {
    const now = this.clock.now();
    const changed = await this.db.$transaction(async (tx) => {
      const row = await tx.ballot.findFirst({ where: { id: ballotId, blocId } });
      if (!row) throw new AppError("not_found");
      if (row.status !== "OPEN" || now.getTime() >= row.closesAt.getTime()) {
        throw new AppError("ballot_closed");
      }
      if (voter.unitId === null || !ids(row.electorate).includes(voter.unitId)) {
        throw new AppError("ballot_not_voter");
      }
      const candidates = ids(row.candidates);
      const picked = [...new Set(choices)];
      if (picked.length === 0) throw new AppError("ballot_choose_some", { max: row.choose });
      if (picked.some((c) => !candidates.includes(c))) throw new AppError("ballot_not_candidate");
      if (picked.length > row.choose) throw new AppError("ballot_too_many", { max: row.choose });
      const unitId = voter.unitId;
      const cast = await tx.ballotVoter.findUnique({
        where: { ballotId_round_unitId: { ballotId, round: row.round, unitId } },
      });
      if (cast && cast.memberId !== voter.memberId) {
        const by = await tx.member.findUnique({ where: { id: cast.memberId } });
        throw new AppError("ballot_unit_voted", { name: by?.displayName ?? "—" });
      }
      if (!row.salt) throw new AppError("ballot_closed");
      const key = boxKey(this.serverKey, row.salt, ballotId, row.round);
      const aad = `${ballotId}:${row.round}`;
      const box = openBox(key, row.box, aad);
      box.set(
        voterTag(key, unitId),
        picked.sort((a, b) => candidates.indexOf(a) - candidates.indexOf(b)),
      );
      // The box is rewritten whole; a vote committed meanwhile makes this one start again
      // (the inbound pipeline retries it), so no vote is lost or counted twice.
      const written = await tx.ballot.updateMany({
        where: { id: ballotId, boxVersion: row.boxVersion, status: "OPEN" },
        data: { box: sealBox(key, box, row.choose, aad), boxVersion: row.boxVersion + 1 },
      });
      if (written.count !== 1) throw new Error("the ballot box changed meanwhile: try again");
      if (!cast) {
        await tx.ballotVoter.create({
          data: { ballotId, round: row.round, unitId, memberId: voter.memberId },
        });
      }
      return cast !== null;
    });
    return { changed, view: await this.view(blocId, ballotId) };
  }

  /** Whether this unit has voted in the open round, and by whom (never what). */
  async votedBy(ballotId: number, round: number, unitId: number) {
    const row = await this.db.ballotVoter.findUnique({
      where: { ballotId_round_unitId: { ballotId, round, unitId } },
    });
    if (!row) return null;
    const member = await this.db.member.findUnique({ where: { id: row.memberId } });
    return { memberId: row.memberId, name: member?.displayName ?? "—" };
  }

  /**
   * Counts the round and erases the box and its salt: from here on the counts per
   * candidate are all there is. Closing before the quorum is allowed; the round is then
   * kept as not valid and elects nobody. Every member unit hears the result.
   */
  async close(blocId: number, ballotId: number, actor: AuditActor): Promise<BallotResult> {
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      const row = await tx.ballot.findFirst({ where: { id: ballotId, blocId } });
      if (!row) throw new AppError("not_found");
      if (row.status !== "OPEN") throw new AppError("ballot_closed");
      const candidates = ids(row.candidates);
      const votes = new Map(candidates.map((c) => [c, 0]));
      if (row.salt) {
        const key = boxKey(this.serverKey, row.salt, ballotId, row.round);
        for (const picked of openBox(key, row.box, `${ballotId}:${row.round}`).values()) {
          for (const c of picked) votes.set(c, (votes.get(c) ?? 0) + 1);
        }
      }
      const voted = await tx.ballotVoter.count({ where: { ballotId, round: row.round } });
      const eligible = ids(row.electorate).length;
      const outcome = countRound({
        tallies: candidates.map((c) => ({ candidateId: c, votes: votes.get(c) ?? 0 })),
        eligible,
        voted,
        quorum: row.quorum,
        thresholdPercent: row.thresholdPercent,
        seats: row.choose,
      });
      const closed = await tx.ballot.updateMany({
        where: { id: ballotId, status: "OPEN", boxVersion: row.boxVersion },
        data: { status: "CLOSED", closedAt: now, box: null, salt: null },
      });
      if (closed.count !== 1) throw new Error("the ballot box changed meanwhile: try again");
      for (const c of candidates) {
        await tx.ballotCount.create({
          data: { ballotId, round: row.round, candidateId: c, votes: votes.get(c) ?? 0 },
        });
      }
      await tx.ballotRound.create({
        data: {
          ballotId,
          round: row.round,
          candidates: row.candidates,
          choose: row.choose,
          eligible,
          voted,
          quorum: row.quorum,
          needed: outcome.needed,
          valid: outcome.valid,
          elected: JSON.stringify(outcome.elected),
          tied: JSON.stringify(outcome.tied),
          closedAt: now,
        },
      });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "ballot_close",
        blocId,
        details: { ballotId, round: row.round, voted, eligible, valid: outcome.valid },
      });
      const result = await this.#result(tx, ballotId, row.round);
      await announceToBloc(
        tx,
        this.#teller(),
        ballotId,
        () => `ballot:${ballotId}:${row.round}:result`,
        (t, _view, timezone) => resultLines(t, result, timezone).join("\n"),
      );
    });
    this.nudge();
    return this.result(blocId, ballotId);
  }

  /** A second round among the tied, for the seats the first left. */
  async secondRound(blocId: number, ballotId: number, closesAt: Date, actor: AuditActor) {
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      const row = await tx.ballot.findFirst({ where: { id: ballotId, blocId } });
      if (!row) throw new AppError("not_found");
      if (row.status !== "CLOSED") throw new AppError("ballot_already_open", { id: row.id });
      const last = await tx.ballotRound.findUnique({
        where: { ballotId_round: { ballotId, round: row.round } },
      });
      const tied = last ? ids(last.tied) : [];
      if (!last || tied.length === 0) throw new AppError("ballot_no_tie");
      if (closesAt.getTime() <= now.getTime()) throw new AppError("deadline_in_past");
      const seats = row.choose - ids(last.elected).length;
      await tx.ballot.update({
        where: { id: ballotId },
        data: {
          round: row.round + 1,
          candidates: JSON.stringify(tied),
          choose: Math.max(1, Math.min(seats, tied.length - 1)),
          status: "OPEN",
          closesAt,
          closedAt: null,
          salt: newSalt(),
          box: null,
          lastReminderSlot: null,
        },
      });
      await recordAudit(tx, {
        at: this.clock.now(),
        actor,
        action: "ballot_second_round",
        blocId,
        details: { ballotId, round: row.round + 1, candidates: tied },
      });
      await announceToBloc(
        tx,
        this.#teller(),
        ballotId,
        (view) => `ballot:${ballotId}:${view.round}:open`,
        openedLines,
      );
    });
    this.nudge();
    return this.view(blocId, ballotId);
  }

  /** The result of a closed round (the latest when none is named), for chat, dashboard and documents. */
  async result(blocId: number, ballotId: number, round?: number): Promise<BallotResult> {
    const row = await this.db.ballot.findFirst({ where: { id: ballotId, blocId } });
    if (!row) throw new AppError("not_found");
    const last = round ?? (row.status === "CLOSED" ? row.round : row.round - 1);
    if (last < 1) throw new AppError("ballot_not_closed");
    return this.#result(this.db, ballotId, last);
  }

  /** Every closed round of the bloc's ballots, newest first (the year page, documents). */
  async results(blocId: number): Promise<BallotResult[]> {
    const ballots = await this.db.ballot.findMany({ where: { blocId }, orderBy: { id: "desc" } });
    const rounds = await this.db.ballotRound.findMany({
      where: { ballotId: { in: ballots.map((b) => b.id) } },
      orderBy: [{ ballotId: "desc" }, { round: "desc" }],
    });
    return Promise.all(rounds.map((r) => this.#result(this.db, r.ballotId, r.round)));
  }

  async #result(
    tx: Pick<Db, "ballot" | "ballotRound" | "ballotCount" | "unit">,
    ballotId: number,
    round: number,
  ): Promise<BallotResult> {
    const row = await tx.ballot.findUniqueOrThrow({ where: { id: ballotId } });
    const outcome = await tx.ballotRound.findUnique({
      where: { ballotId_round: { ballotId, round } },
    });
    if (!outcome) throw new AppError("ballot_not_closed");
    const [counts, units, earlier] = await Promise.all([
      tx.ballotCount.findMany({ where: { ballotId, round } }),
      ballotUnits(tx, row.blocId),
      tx.ballotRound.findMany({ where: { ballotId, round: { lte: round } } }),
    ]);
    const name = (id: number) => units.find((u) => u.id === id)?.name ?? `#${id}`;
    const votes = new Map(counts.map((c) => [c.candidateId, c.votes]));
    const unit = (unitId: number) => ({ unitId, unitName: name(unitId) });
    return {
      ballotId,
      question: row.question,
      round,
      candidates: ids(outcome.candidates).map((id) => ({ ...unit(id), votes: votes.get(id) ?? 0 })),
      choose: outcome.choose,
      eligible: outcome.eligible,
      voted: outcome.voted,
      quorum: outcome.quorum,
      thresholdPercent: row.thresholdPercent,
      needed: outcome.needed,
      valid: outcome.valid,
      elected: earlier
        .sort((a, b) => a.round - b.round)
        .flatMap((r) => ids(r.elected))
        .map(unit),
      tied: ids(outcome.tied).map(unit),
      closedAt: outcome.closedAt,
    };
  }

  /** Ballots past their closing time are counted; units yet to vote are reminded before. */
  async tick(): Promise<{ closed: number; reminded: number }> {
    const now = this.clock.now();
    const open = await this.db.ballot.findMany({ where: { status: "OPEN" } });
    let closed = 0;
    let reminded = 0;
    for (const row of open) {
      if (row.closesAt.getTime() <= now.getTime()) {
        try {
          await this.close(row.blocId, row.id, "operator");
          closed++;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
        }
        continue;
      }
      const slot = reminderSlot(row, now);
      if (slot === null) continue;
      reminded += await this.db.$transaction((tx) =>
        remindNonVoters(tx, this.outbox, this.translator, this.defaultLanguage, row, slot),
      );
    }
    if (reminded) this.nudge();
    return { closed, reminded };
  }
}
