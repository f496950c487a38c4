import type { Translate } from "../../i18n/translator.ts";
import { frame } from "./frame.ts";
import type { PackFacts } from "./gather.ts";
import type { Block, DocSpec } from "./layout.ts";

/**
 * 4. danh sách đăng ký thi đua / bản giao ước: each unit's titles aimed at and
 * commitments, as registered; a year nobody registered says so.
 */
export function pledgeList(facts: PackFacts, t: Translate): DocSpec {
  const rows = facts.registrations.map((r, i) => [
    String(i + 1),
    r.unit,
    r.titles.join("; ") || "—",
    r.commitments.map((c) => `- ${c}`).join(" ") || "—",
    `${t(`documents:registration_state.${r.state}`)}${r.late ? ` (${t("documents:late")})` : ""}`,
  ]);
  const blocks: Block[] = [
    { kind: "paragraph", text: t("documents:pledge_intro", { year: facts.year }) },
    rows.length === 0
      ? { kind: "paragraph", text: t("documents:no_registrations") }
      : {
          kind: "table",
          columns: [
            { title: t("documents:col_index"), width: 1, align: "center" },
            { title: t("documents:col_unit"), width: 4.5 },
            { title: t("documents:col_titles"), width: 3.5 },
            { title: t("documents:col_commitments"), width: 6.5 },
            { title: t("documents:col_registration"), width: 2.5 },
          ],
          rows,
        },
    { kind: "paragraph", text: t("documents:pledge_close") },
  ];
  return {
    name: "4-danh-sach-dang-ky",
    ...frame(facts, t, "GƯ-KTĐ"),
    title: t("documents:pledge_title"),
    subtitle: [t("documents:period_year", { year: facts.year })],
    blocks,
    signature: { role: t("documents:role_head"), hint: t("documents:sign_hint") },
  };
}
