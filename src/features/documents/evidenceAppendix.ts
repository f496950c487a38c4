import { formatDateTime } from "../../i18n/datetime.ts";
import type { Translate } from "../../i18n/translator.ts";
import { frame, periodLabel } from "./frame.ts";
import type { PackFacts } from "./gather.ts";
import type { DocSpec } from "./layout.ts";

/**
 * 6. phụ lục minh chứng: every photo's unit, campaign, deadline, arrival and SHA-256,
 * so the documents bind to the evidence the bot holds.
 */
export function evidenceAppendix(facts: PackFacts, t: Translate): DocSpec {
  const tz = facts.bloc.timezone;
  return {
    name: "6-phu-luc-minh-chung",
    ...frame(facts, t, "PL-KTĐ"),
    title: t("documents:evidence_title"),
    subtitle: [periodLabel(facts, t)],
    landscape: true,
    blocks: [
      { kind: "paragraph", text: t("documents:evidence_intro", { count: facts.evidence.length }) },
      facts.evidence.length === 0
        ? { kind: "paragraph", text: t("documents:no_evidence") }
        : {
            kind: "table",
            small: true,
            columns: [
              { title: t("documents:col_index"), width: 1.1, align: "center" },
              { title: t("documents:col_unit"), width: 3.8 },
              { title: t("documents:col_campaign"), width: 3.2 },
              { title: t("documents:col_deadline"), width: 2.5 },
              { title: t("documents:col_received"), width: 2.5 },
              { title: "SHA-256", width: 9.6 },
            ],
            rows: facts.evidence.map((e, i) => [
              String(i + 1),
              e.unit,
              e.campaign,
              formatDateTime(e.dueAt, tz),
              formatDateTime(e.receivedAt, tz),
              e.sha256,
            ]),
          },
    ],
    signature: { role: t("documents:role_head"), hint: t("documents:sign_hint") },
  };
}
