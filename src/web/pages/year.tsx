import type { BallotResult, BallotView } from "../../features/ballot/service.ts";
import { formatScore } from "../../features/campaigns/criteria.ts";
import type {
  RegistrationRecord,
  RegistrationRoundView,
} from "../../features/registration/service.ts";
import type { RankingService } from "../../features/review/ranking.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { Csrf, Page, type PageViewer } from "../layout.tsx";

export interface YearData {
  year: number;
  round: RegistrationRoundView | null;
  registrations: RegistrationRecord[];
  /** For reviewers only: the year's scored campaigns and the year ranking. */
  ranking: Awaited<ReturnType<RankingService["year"]>> | null;
  ballot: BallotView | null;
  /** Whether this viewer's unit may vote in the open ballot, and has. */
  canVote: boolean;
  hasVoted: boolean;
  results: BallotResult[];
  /** What the lead's forms offer: the units, the bloc's titles, the proposed candidates. */
  lead: {
    units: { id: number; name: string }[];
    titles: string[];
    proposed: number[];
    question: string;
  } | null;
}

/**
 * The year as the tổng kết meeting looks at it: each unit's registration, the scored
 * campaigns and the year ranking (for reviewers), the ballot (who has voted, never what)
 * with a secret vote for the viewer's unit, and every counted round.
 */
export function YearPage(props: { viewer: PageViewer; data: YearData; notice?: string }) {
  const { viewer, data } = props;
  const { t } = viewer;
  const date = (d: Date) => formatDateTime(d, viewer.actor.timezone);
  const unregistered = new Set(
    data.round ? data.registrations.filter((r) => r.state === "NONE").map((r) => r.unitId) : [],
  );
  return (
    <Page viewer={viewer} title={t("web:year.title", { year: data.year })} path="/web/year">
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {viewer.lead ? (
        <p>
          <a href="/web/documents">{t("web:year.documents_link")}</a>
        </p>
      ) : null}
      <section aria-labelledby="registrations">
        <h2 id="registrations">{t("web:year.registrations")}</h2>
        {data.round ? (
          <>
            <p>
              {t("registration:status_title", {
                year: data.round.year,
                deadline: date(data.round.deadline),
              })}
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("export:unit")}</th>
                  <th scope="col">{t("web:year.state")}</th>
                  <th scope="col">{t("web:year.titles")}</th>
                  <th scope="col">{t("web:year.commitments")}</th>
                </tr>
              </thead>
              <tbody>
                {data.registrations.map((r) => (
                  <tr data-unit={r.unitName} data-state={r.state}>
                    <th scope="row">{r.unitName}</th>
                    <td>
                      {t(`registration:state.${r.state}`)}
                      {r.late ? ` · ${t("registration:late")}` : ""}
                      {r.state === "RETURNED" && r.reason ? ` (${r.reason})` : ""}
                    </td>
                    <td>{r.titles.join("; ")}</td>
                    <td>
                      {r.commitments.length ? (
                        <ul>
                          {r.commitments.map((c) => (
                            <li>{c}</li>
                          ))}
                        </ul>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p class="muted">{t("web:year.no_registration")}</p>
        )}
        {data.lead && !data.round ? <OpenRegistration viewer={viewer} lead={data.lead} /> : null}
      </section>
      {data.ranking ? (
        <section aria-labelledby="ranking">
          <h2 id="ranking">{t("web:year.ranking")}</h2>
          <ul>
            {data.ranking.campaigns.map((c) => (
              <li>
                <a href={`/web/ranking/${c.id}`}>{c.title}</a>
              </li>
            ))}
          </ul>
          {data.ranking.units.length === 0 ? (
            <p class="muted">{t("web:year.no_ranking")}</p>
          ) : (
            <table class="ranking">
              <thead>
                <tr>
                  <th scope="col">{t("export:rank")}</th>
                  <th scope="col">{t("export:unit")}</th>
                  <th scope="col">%</th>
                  <th scope="col">{t("export:class")}</th>
                </tr>
              </thead>
              <tbody>
                {data.ranking.units.map((u) => (
                  <tr data-unit={u.unitName}>
                    <td>{u.rank ?? "—"}</td>
                    <th scope="row">
                      {u.unitName}
                      {unregistered.has(u.unitId) ? ` · ${t("registration:year_mark")}` : ""}
                    </th>
                    <td>{formatScore(u.percent)}</td>
                    <td>{u.classLabel ?? t(`review:state_words.${u.reviewState}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      <section aria-labelledby="ballot">
        <h2 id="ballot">{t("web:year.ballot")}</h2>
        {data.ballot?.status === "OPEN" ? <OpenBallot {...props} ballot={data.ballot} /> : null}
        {data.results.length === 0 && data.ballot?.status !== "OPEN" ? (
          <p class="muted">{t("web:year.no_ballot")}</p>
        ) : null}
        {data.lead && data.ballot?.status !== "OPEN" ? (
          <OpenBallotForm viewer={viewer} lead={data.lead} />
        ) : null}
        {data.results.map((r) => (
          <Result viewer={viewer} result={r} />
        ))}
      </section>
    </Page>
  );
}

function OpenBallot(props: { viewer: PageViewer; data: YearData; ballot: BallotView }) {
  const { viewer, data, ballot } = props;
  const { t } = viewer;
  const voted = ballot.electorate.filter((e) => e.voted).map((e) => e.unitName);
  return (
    <div data-ballot={ballot.id}>
      <p>
        <strong>
          {t("ballot:status_title", { question: ballot.question, round: ballot.round })}
        </strong>
      </p>
      <p>
        {t("ballot:rules", {
          choose: ballot.choose,
          quorum: ballot.quorum,
          eligible: ballot.eligible,
          threshold: ballot.thresholdPercent,
          needed: ballot.needed,
          at: formatDateTime(ballot.closesAt, viewer.actor.timezone),
        })}
      </p>
      <p>{t("ballot:status_voted", { voted: ballot.voted, eligible: ballot.eligible })}</p>
      {voted.length ? <p>{t("ballot:status_voted_units", { units: voted.join(", ") })}</p> : null}
      {data.canVote ? (
        <form method="post" action="/web/year/vote">
          <Csrf token={viewer.csrf} />
          <input type="hidden" name="ballot" value={String(ballot.id)} />
          <fieldset>
            <legend>
              {data.hasVoted
                ? t("ballot:vote_again")
                : t("web:year.vote_legend", { choose: ballot.choose })}
            </legend>
            {ballot.candidates.map((c) => (
              <label>
                <input
                  type={ballot.choose === 1 ? "radio" : "checkbox"}
                  name="candidate"
                  value={String(c.unitId)}
                />{" "}
                {c.unitName}
              </label>
            ))}
          </fieldset>
          <button type="submit">{t("ballot:cast")}</button>
        </form>
      ) : null}
      {viewer.lead ? (
        <form method="post" action="/web/year/close">
          <Csrf token={viewer.csrf} />
          <input type="hidden" name="ballot" value={String(ballot.id)} />
          <button type="submit">{t("ballot:close_now")}</button>
          {ballot.voted < ballot.quorum ? (
            <span class="muted">
              {" "}
              {t("ballot:close_below_quorum", { voted: ballot.voted, quorum: ballot.quorum })}
            </span>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}

function Result(props: { viewer: PageViewer; result: BallotResult }) {
  const { viewer, result } = props;
  const { t } = viewer;
  return (
    <div data-result={`${result.ballotId}:${result.round}`}>
      <h3>{t("ballot:result_title", { question: result.question, round: result.round })}</h3>
      <p>
        {t("ballot:result_closed", { at: formatDateTime(result.closedAt, viewer.actor.timezone) })}{" "}
        {t("ballot:result_turnout", {
          voted: result.voted,
          eligible: result.eligible,
          quorum: result.quorum,
        })}{" "}
        {t(result.valid ? "ballot:result_quorum_met" : "ballot:result_quorum_missed")}{" "}
        {t("ballot:result_threshold", {
          threshold: result.thresholdPercent,
          needed: result.needed,
        })}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("export:unit")}</th>
            <th scope="col">{t("web:year.votes")}</th>
          </tr>
        </thead>
        <tbody>
          {result.candidates.map((c) => (
            <tr data-unit={c.unitName}>
              <th scope="row">{c.unitName}</th>
              <td>{c.votes}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.valid && result.elected.length ? (
        <p>
          {t("ballot:result_elected", { units: result.elected.map((e) => e.unitName).join(", ") })}
        </p>
      ) : null}
      {result.valid && !result.elected.length && !result.tied.length ? (
        <p>{t("ballot:result_none_elected")}</p>
      ) : null}
      {result.tied.length ? (
        <p>{t("ballot:result_tied", { units: result.tied.map((e) => e.unitName).join(", ") })}</p>
      ) : null}
    </div>
  );
}

function OpenRegistration(props: { viewer: PageViewer; lead: NonNullable<YearData["lead"]> }) {
  const { viewer, lead } = props;
  const { t } = viewer;
  return (
    <form method="post" action="/web/year/registration">
      <Csrf token={viewer.csrf} />
      <label>
        {t("web:year.deadline")} <input name="deadline" required placeholder="31/3" />
      </label>
      <label>
        {t("web:year.titles_field")}
        <textarea name="titles" rows={5}>
          {lead.titles.join("\n")}
        </textarea>
      </label>
      <button type="submit">{t("web:year.open_registration")}</button>
    </form>
  );
}

function OpenBallotForm(props: { viewer: PageViewer; lead: NonNullable<YearData["lead"]> }) {
  const { viewer, lead } = props;
  const { t } = viewer;
  return (
    <form method="post" action="/web/year/ballot">
      <Csrf token={viewer.csrf} />
      <label>
        {t("web:year.question")} <input name="question" value={lead.question} required />
      </label>
      <fieldset>
        <legend>{t("web:year.candidates")}</legend>
        {lead.units.map((u) => (
          <label>
            <input
              type="checkbox"
              name="candidate"
              value={String(u.id)}
              checked={lead.proposed.includes(u.id)}
            />{" "}
            {u.name}
          </label>
        ))}
      </fieldset>
      <label>
        {t("web:year.choose")} <input name="choose" type="number" min="1" value="1" required />
      </label>
      <label>
        {t("web:year.closes")} <input name="closes" required placeholder="20/12 17:00" />
      </label>
      <button type="submit">{t("ballot:open")}</button>
    </form>
  );
}
