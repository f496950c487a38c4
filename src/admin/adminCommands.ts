import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { App } from "../app.ts";
import { AppError } from "../core/errors.ts";
import { roleSchema } from "../core/roles.ts";
import { CampaignFileError, parseCampaignFile } from "../features/campaigns/campaignFile.ts";
import { thresholdsSchema } from "../features/campaigns/criteria.ts";
import { type Verdict, verifyExport } from "../features/export/seal.ts";
import { displayInviteCode } from "../features/membership/inviteCode.ts";
import { formatOffsets, parseOffsets } from "../features/reminders/offsets.ts";
import { formatDateTime } from "../i18n/datetime.ts";
import { FailedUpdates } from "../inbound/failedUpdates.ts";
import { dbCopy } from "./dbCopy.ts";
import { writeDocuments } from "./documents.ts";
import { evidenceSimilar } from "./evidenceSimilar.ts";

/*
 * The operator's terminal commands (npm run admin -- …). Each returns a value for
 * --json and a human text; a refusal throws AdminError with a one-line reason.
 */

export class AdminError extends Error {
  override name = "AdminError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface AdminResult {
  json: unknown;
  text: string;
}

export const ADMIN_USAGE = `usage: npm run admin -- <command> [--json]
  bloc create <name> [--tz Asia/Ho_Chi_Minh]
  bloc list
  unit add <blocId> <name>
  unit rename <unitId> <new name>
  unit retire <unitId>       no longer reminded or addressed; its reports stay
  unit list <blocId>         every unit, retired ones marked
  member list <blocId>
  invite create --bloc <id> --role LEAD|REVIEWER|FOCAL|OFFICER [--unit <id>] [--days 14] [--uses 20]
  invite list <blocId>
  invite revoke <inviteId>
  campaign import <file.yaml|file.json> --bloc <id>
  campaign list <blocId>
  export <campaignId> [--out <folder>]
  export verify <folder>     intact, or which file changed, is missing or was added
  documents <year|h1 year|c<campaignId>> --bloc <id> [--out <folder>]
                             the tổng kết pack (DOCX and PDF of each document) and manifest.sha256
  evidence similar <campaignId>  photos that resemble earlier photos of the bloc: both photos'
                             units, evidence ids, SHA-256, the distance (of 64 bits) and the band
  ranking <campaignId>       units in order (reviewed first): total, per-criterion scores, class,
                             review state (reviewed|awaiting|returned|none), late count
  bloc thresholds <blocId> "Xuất sắc:90,Tốt:70,Hoàn thành:50,Không hoàn thành:0"
  reminders set <3d,1d,2h> (--bloc <id> | --deadline <id>)
  inbox list                 messages the bot gave up on (the sender was asked to resend),
                             or answered only in part (the sender was told what is missing)
  inbox retry <id|all>       handle them again, or send the missing parts (the running bot does)
  inbox drop <id|all>
  db copy --to postgresql://…  copy this SQLite database into a new PostgreSQL one (bot stopped)`;

const id = (label: string, value: string | undefined): number => {
  const parsed = z.coerce.number().int().positive().safeParse(value);
  if (!parsed.success)
    throw new AdminError(`${label} must be a positive number, got "${value ?? ""}"`, 2);
  return parsed.data;
};

const text = (label: string, parts: string[]): string => {
  const joined = parts.join(" ").trim();
  if (!joined) throw new AdminError(`${label} is missing\n${ADMIN_USAGE}`, 2);
  return joined;
};

export async function runAdminCommand(app: App, argv: string[]): Promise<AdminResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      tz: { type: "string" },
      bloc: { type: "string" },
      unit: { type: "string" },
      role: { type: "string" },
      days: { type: "string" },
      uses: { type: "string" },
      out: { type: "string" },
      deadline: { type: "string" },
      to: { type: "string" },
    },
    strict: true,
  });
  const [noun, verb, ...rest] = positionals;
  const { blocs, membership, campaigns } = app.services;
  const timezone = app.deps.config.DEFAULT_TIMEZONE;

  try {
    if (noun === "ranking") return await rankingOf(app, id("campaignId", verb));
    if (noun === "documents") {
      return await writeDocuments(
        app,
        text("period", [verb ?? "", ...rest]),
        values.bloc,
        values.out,
      );
    }
    switch (`${noun} ${verb}`) {
      case "evidence similar":
        return await evidenceSimilar(app, id("campaignId", rest[0]));
      case "db copy":
        return await dbCopy(app, values.to);
      case "bloc thresholds": {
        const bloc = await blocs.getBloc(id("blocId", rest[0]));
        const spec = text("thresholds", rest.slice(1));
        const parts = spec
          .split(",")
          .map((part) => /^\s*([^:]+?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part));
        const parsed = thresholdsSchema.safeParse(
          parts.map((m) => ({ label: m?.[1] ?? "", min: Number(m?.[2] ?? Number.NaN) })),
        );
        if (!parsed.success || parts.some((m) => !m)) {
          throw new AdminError(
            'thresholds are "label:min%" pairs, e.g. "Xuất sắc:90,Tốt:70,Hoàn thành:50,Không hoàn thành:0"',
            2,
          );
        }
        const saved = await app.services.ranking.setBlocThresholds(
          bloc.id,
          parsed.data,
          "operator",
        );
        return {
          json: saved,
          text: saved.map((s) => `${s.label} ≥ ${s.min} %`).join("\n"),
        };
      }
      case "bloc create": {
        const bloc = await blocs.createBloc(text("name", rest), values.tz ?? timezone, "operator");
        return { json: bloc, text: `bloc ${bloc.id}: ${bloc.name} (${bloc.timezone})` };
      }
      case "bloc list": {
        const list = await blocs.listBlocs();
        return {
          json: list.map((b) => ({ id: b.id, name: b.name, timezone: b.timezone, ...b._count })),
          text:
            list
              .map(
                (b) => `${b.id}\t${b.name}\t${b._count.units} units\t${b._count.members} members`,
              )
              .join("\n") || "no blocs yet: npm run admin -- bloc create <name>",
        };
      }
      case "unit add": {
        const unit = await blocs.addUnit(
          id("blocId", rest[0]),
          text("name", rest.slice(1)),
          "operator",
        );
        return { json: unit, text: `unit ${unit.id}: ${unit.name}` };
      }
      case "unit rename": {
        const unit = await blocs.renameUnit(
          id("unitId", rest[0]),
          text("name", rest.slice(1)),
          "operator",
        );
        return { json: unit, text: `unit ${unit.id}: ${unit.name}` };
      }
      case "unit retire": {
        const unit = await blocs.unitOf(undefined, id("unitId", rest[0]));
        const retired = await blocs.retireUnit(unit.blocId, unit.id, "operator");
        return {
          json: retired,
          text: `unit ${retired.id}: ${retired.name} retired (${retired.revokedCodes} codes revoked)`,
        };
      }
      case "unit list": {
        const list = await blocs.allUnits((await blocs.getBloc(id("blocId", rest[0]))).id);
        return {
          json: list,
          text:
            list.map((u) => `${u.id}\t${u.name}${u.retiredAt ? "\tretired" : ""}`).join("\n") ||
            "no units",
        };
      }
      case "member list": {
        const list = await blocs.listMembers((await blocs.getBloc(id("blocId", rest[0]))).id);
        return {
          json: list.map((m) => ({
            id: m.id,
            name: m.displayName,
            role: m.role,
            unit: m.unit?.name ?? null,
            platforms: m.accounts.map((a) => a.platform),
          })),
          text:
            list
              .map(
                (m) =>
                  `${m.id}\t${m.role}\t${m.displayName}\t${m.unit?.name ?? "-"}\t${m.accounts.map((a) => a.platform).join(",")}`,
              )
              .join("\n") || "no members yet",
        };
      }
      case "invite create": {
        const role = roleSchema.safeParse(values.role?.toUpperCase());
        if (!role.success)
          throw new AdminError("--role must be LEAD, REVIEWER, FOCAL or OFFICER", 2);
        const invite = await membership.issueInvite({
          blocId: id("--bloc", values.bloc),
          unitId: values.unit === undefined ? null : id("--unit", values.unit),
          role: role.data,
          days: values.days === undefined ? undefined : id("--days", values.days),
          maxUses: values.uses === undefined ? undefined : id("--uses", values.uses),
          issuer: "operator",
        });
        return {
          json: { ...invite, display: displayInviteCode(invite.code) },
          text: [
            `invite ${invite.id}: ${displayInviteCode(invite.code)}  (${invite.role}, ${invite.unitName ?? invite.blocName})`,
            `expires ${formatDateTime(invite.expiresAt, timezone)}, up to ${invite.maxUses} uses`,
            `the recipient sends the bot: /join ${invite.code}`,
          ].join("\n"),
        };
      }
      case "invite list": {
        const list = await membership.listInvites((await blocs.getBloc(id("blocId", rest[0]))).id);
        const now = app.deps.clock.now();
        const state = (i: (typeof list)[number]) =>
          i.revokedAt
            ? "revoked"
            : i.expiresAt <= now
              ? "expired"
              : i.uses >= i.maxUses
                ? "used up"
                : "active";
        return {
          json: list.map((i) => ({
            id: i.id,
            role: i.role,
            unit: i.unit?.name ?? null,
            uses: i.uses,
            maxUses: i.maxUses,
            expiresAt: i.expiresAt,
            state: state(i),
          })),
          text:
            list
              .map(
                (i) =>
                  `${i.id}\t${i.role}\t${i.unit?.name ?? "-"}\t${i.uses}/${i.maxUses}\t${state(i)}`,
              )
              .join("\n") || "no invites",
        };
      }
      case "invite revoke": {
        const inviteId = id("inviteId", rest[0]);
        await membership.revokeInvite(inviteId, "operator");
        return { json: { id: inviteId, revoked: true }, text: `invite ${inviteId} revoked` };
      }
      case "campaign import": {
        const bloc = await blocs.getBloc(id("--bloc", values.bloc));
        const path = text("file", rest);
        if (!existsSync(path)) throw new AdminError(`no such file: ${path}`);
        let parsed: ReturnType<typeof parseCampaignFile>;
        try {
          parsed = parseCampaignFile(
            readFileSync(path, "utf8"),
            bloc.timezone,
            app.deps.clock.now(),
          );
        } catch (error) {
          if (error instanceof CampaignFileError)
            throw new AdminError(`${path}:\n${error.message}`);
          throw error;
        }
        let campaign = await campaigns.create(bloc.id, parsed.draft, "operator");
        if (parsed.activate) campaign = await campaigns.activate(bloc.id, campaign.id, "operator");
        return {
          json: campaign,
          text: `campaign ${campaign.id}: ${campaign.title} (${campaign.status}, ${campaign.deadlines.length} deadlines)`,
        };
      }
      case "campaign list": {
        const bloc = await blocs.getBloc(id("blocId", rest[0]));
        const list = await campaigns.list(bloc.id, ["DRAFT", "ACTIVE", "CLOSED"]);
        return {
          json: list,
          text: list.map((c) => `${c.id}\t${c.status}\t${c.title}`).join("\n") || "no campaigns",
        };
      }
      case "inbox list": {
        const { failed, waiting } = await new FailedUpdates(app.deps.db, app.deps.clock).list();
        const lines = failed.map(
          (f) =>
            `${f.id}\t${f.platform}\t${f.updateKey}\t${f.receivedAt.toISOString()}\t${f.attempts} tries\t${f.lastError ?? ""}`,
        );
        return {
          json: { waiting, failed },
          text: [`${waiting} waiting to be handled, ${failed.length} given up`, ...lines].join(
            "\n",
          ),
        };
      }
      case "inbox retry":
      case "inbox drop": {
        const target = rest[0] === "all" ? "all" : id("updateId", rest[0]);
        const store = new FailedUpdates(app.deps.db, app.deps.clock);
        const count = verb === "retry" ? await store.retry(target) : await store.drop(target);
        if (count === 0 && target !== "all") throw new AdminError(`no given-up update ${target}`);
        return {
          json: { count },
          text: `${count} update(s) ${verb === "retry" ? "queued again" : "dropped"}`,
        };
      }
      case "reminders set": {
        const offsets = parseOffsets(rest.join(","));
        if (!offsets)
          throw new AdminError("offsets must look like 3d,1d,2h (days, hours, minutes)", 2);
        if (values.deadline !== undefined) {
          await app.services.reminders.setDeadlineOffsets(
            id("--deadline", values.deadline),
            offsets,
          );
        } else {
          await app.services.reminders.setBlocOffsets(
            (await blocs.getBloc(id("--bloc", values.bloc))).id,
            offsets,
          );
        }
        return {
          json: { offsets, bloc: values.bloc ?? null, deadline: values.deadline ?? null },
          text: `reminders at ${formatOffsets(offsets)} before ${values.deadline ? `deadline ${values.deadline}` : "each deadline"}`,
        };
      }
      default:
        if (noun === "export" && verb === "verify") return verifyFolder(text("folder", rest));
        if (noun === "export") return exportCampaign(app, id("campaignId", verb), values.out);
        throw new AdminError(`unknown command "${positionals.join(" ")}"\n${ADMIN_USAGE}`, 2);
    }
  } catch (error) {
    if (error instanceof AppError) {
      // The terminal speaks English throughout, like the usage text around it.
      const t = app.translator.for("en");
      throw new AdminError(t(`errors:${error.code}`, { usage: ADMIN_USAGE, ...error.params }));
    }
    throw error;
  }
}

/** The campaign's ranking for operators: every figure the chat shows, as data. */
async function rankingOf(app: App, campaignId: number): Promise<AdminResult> {
  const campaign = await app.services.campaigns.findAnyBloc(campaignId);
  const ranking = await app.services.ranking.campaign(campaign.blocId, campaign.id);
  const units = ranking.units.map((u) => ({
    rank: u.rank,
    unitId: u.unitId,
    unit: u.unitName,
    total: u.total,
    max: u.max,
    percent: u.percent,
    deduction: u.deduction,
    class: u.classLabel,
    eligible: u.eligible,
    lateReports: u.lateReports,
    reviewState: u.reviewState,
    provisional: u.provisional,
    criteria: u.criteria.map((c) => ({
      id: c.id,
      title: c.title,
      maxScore: c.maxScore,
      weight: c.weight,
      self: c.self,
      reviewed: c.reviewed,
      used: c.used,
      source: c.source,
    })),
  }));
  return {
    json: {
      campaignId,
      title: campaign.title,
      lateRule: ranking.lateRule,
      thresholds: ranking.thresholds,
      rankSelfScores: ranking.rankSelfScores,
      publishedAt: ranking.publishedAt?.toISOString() ?? null,
      corrections: ranking.corrections.map((c) => ({ ...c, at: c.at.toISOString() })),
      units,
    },
    text: units
      .map(
        (u) =>
          `${u.rank ?? "-"}\t${u.unit}\t${u.total}/${u.max}\t${u.percent}%\t${u.class ?? (u.eligible ? "-" : "not eligible")}\t${u.reviewState}\tlate ${u.lateReports}`,
      )
      .join("\n"),
  };
}

async function exportCampaign(app: App, campaignId: number, out = "."): Promise<AdminResult> {
  const row = await app.services.campaigns.findAnyBloc(campaignId);
  const bloc = await app.services.blocs.getBloc(row.blocId);
  const built = await app.services.exports.build(row, bloc.timezone, app.translator.for("vi"));
  mkdirSync(out, { recursive: true });
  const paths = built.files.map((file) => {
    const path = resolve(out, file.fileName);
    copyFileSync(file.path, path);
    return path;
  });
  return {
    json: { campaignId, rows: built.rows, photos: built.photos, files: paths },
    text: [`${built.rows} rows, ${built.photos} photos`, ...paths].join("\n"),
  };
}

/** Exits 1 unless the folder is the export it was: scripts can rely on the code. */
async function verifyFolder(folder: string): Promise<AdminResult> {
  let verdict: Verdict;
  try {
    verdict = await verifyExport(resolve(folder));
  } catch (error) {
    throw new AdminError(error instanceof Error ? error.message : String(error));
  }
  if (verdict.intact) {
    return { json: verdict, text: `intact: every file as exported (seal ${verdict.seal})` };
  }
  throw new AdminError(
    [
      "NOT intact:",
      ...verdict.changed.map((name) => `changed: ${name}`),
      ...verdict.missing.map((name) => `missing: ${name}`),
      ...verdict.unlisted.map((name) => `not in the export: ${name}`),
      ...(verdict.manifestChanged
        ? ["changed: manifest.sha256 (its lines no longer match the seal the XLSX prints)"]
        : []),
    ].join("\n"),
  );
}

export function wantsJson(argv: string[]): boolean {
  return argv.includes("--json");
}
