import { z } from "zod";
import { matchChoices } from "../../core/answerText.ts";
import type { Feature } from "../../core/commands.ts";
import type { HandlerContext, StepInput } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { typedStep } from "../../core/flowState.ts";
import { formatDateTime } from "../../i18n/datetime.ts";
import { memberActor } from "../../services/auditLog.ts";
import type { Services } from "../services.ts";
import { showDeliveries } from "./deliveryView.ts";
import type { Audience } from "./service.ts";

type Ctx = HandlerContext<Services>;

/* /announce: text → photo (optional) → audience → preview → send. */

export const ANNOUNCE_FLOW = "announce";

/** Everyone, or the units the lead ticked (the service's `Audience`). */
const audienceSchema: z.ZodType<Audience> = z.union([
  z.object({ units: z.literal("all") }),
  z.object({ units: z.array(z.number().int()) }),
]);

/** What the form keeps between its steps, read back through this schema at each step. */
const announceDataSchema = z.looseObject({
  text: z.string().optional(),
  /** The same announcement in each language, when the bot wrote it (a campaign's launch). */
  texts: z.record(z.string(), z.string()).optional(),
  /** Set when the announcement launches a campaign. */
  campaignId: z.number().int().optional(),
  photoKey: z.string().nullable().optional(),
  audience: audienceSchema.optional(),
  /** Units ticked so far while choosing. */
  picked: z.array(z.number().int()).optional(),
});
type AnnounceData = z.infer<typeof announceDataSchema>;

const lead = (ctx: Ctx) => {
  if (!ctx.actor) throw new AppError("not_linked");
  return ctx.actor;
};

async function start(ctx: Ctx, args: string): Promise<void> {
  if (args) return askPhoto(ctx, { text: args });
  ctx.reply(ctx.t("announcements:ask_text"));
  ctx.flow.goto(ANNOUNCE_FLOW, "text", {});
}

async function readText(ctx: Ctx, input: StepInput): Promise<void> {
  if (input.type !== "text" || !input.text.trim()) throw new AppError("text_expected");
  return askPhoto(ctx, { text: input.text.trim().slice(0, 3500) });
}

function askPhoto(ctx: Ctx, data: AnnounceData): void {
  ctx.reply({
    text: ctx.t("announcements:ask_photo"),
    choices: [{ id: "skip", label: ctx.t("announcements:no_photo") }],
  });
  ctx.flow.goto(ANNOUNCE_FLOW, "photo", data);
}

async function readPhoto(ctx: Ctx, input: StepInput, data: AnnounceData): Promise<void> {
  if (input.type === "choice" && input.choiceId === "skip")
    return askAudience(ctx, { ...data, photoKey: null });
  if (input.type !== "media" || !input.files[0]) throw new AppError("photos_expected");
  const photo = await ctx.services.evidence.accept(input.files[0]);
  return askAudience(ctx, { ...data, photoKey: photo.storageKey });
}

async function askAudience(ctx: Ctx, data: AnnounceData): Promise<void> {
  const units = await ctx.services.blocs.listUnits(lead(ctx).blocId);
  ctx.reply({
    text: ctx.t("announcements:ask_audience"),
    choices: [
      { id: "all", label: ctx.t("announcements:whole_bloc", { count: units.length }) },
      { id: "pick", label: ctx.t("announcements:pick_units") },
    ],
  });
  ctx.flow.goto(ANNOUNCE_FLOW, "audience", data);
}

async function readAudience(ctx: Ctx, input: StepInput, data: AnnounceData): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "all") return preview(ctx, { ...data, audience: { units: "all" } });
  if (choice === "pick") return askUnits(ctx, { ...data, picked: [] });
  throw new AppError("pick_a_choice");
}

/**
 * The unit picker. With buttons, each unit is a tick box and each press updates the
 * list. Typed on a phone, one answer may name several units ("1, 2, 5", "1-3", names);
 * the list is shown once and each answer is acknowledged with what is ticked so far.
 */
async function askUnits(ctx: Ctx, data: AnnounceData, ticked = false): Promise<void> {
  const units = await ctx.services.blocs.listUnits(lead(ctx).blocId);
  const picked = new Set(data.picked ?? []);
  ctx.flow.goto(ANNOUNCE_FLOW, "units", data);
  if (!ctx.capabilities.buttons) {
    if (!ticked) {
      ctx.reply({
        text: ctx.t("announcements:ask_units_typed"),
        choices: [
          ...units.map((u) => ({ id: `u${u.id}`, label: u.name })),
          { id: "done", label: ctx.t("announcements:units_done") },
        ],
      });
      return;
    }
    // The numbered list stays the question (kept with the step); this only says where it stands.
    const names = units.filter((u) => picked.has(u.id)).map((u) => u.name);
    ctx.reply(
      [
        names.length
          ? ctx.t("announcements:units_ticked", { count: names.length, units: names.join(", ") })
          : ctx.t("announcements:units_ticked_none"),
        ctx.t("announcements:units_more", {
          done: units.length + 1,
          label: ctx.t("announcements:units_done"),
        }),
      ].join("\n"),
    );
    return;
  }
  // Each tick updates the same list, where the platform can edit (pressed, not typed).
  const pressed = ticked ? ctx.event.pressedMessageId : undefined;
  ctx.reply({
    text: ctx.t("announcements:ask_units", { count: picked.size }),
    choices: [
      ...units.map((u) => ({ id: `u${u.id}`, label: `${picked.has(u.id) ? "☑" : "☐"} ${u.name}` })),
      { id: "done", label: ctx.t("announcements:units_done") },
    ],
    ...(pressed ? { replaces: pressed } : {}),
  });
}

async function readUnits(ctx: Ctx, input: StepInput, data: AnnounceData): Promise<void> {
  const named =
    input.type === "choice"
      ? [input.choiceId]
      : input.type === "text"
        ? matchChoices(input.text, ctx.flow.offered)?.map((c) => c.id)
        : undefined;
  if (!named) throw new AppError("pick_a_choice");
  const units = named.filter((id) => id.startsWith("u")).map((id) => Number(id.slice(1)));
  const picked = new Set(data.picked ?? []);
  if (units.length === 1) {
    const [unitId = 0] = units;
    if (picked.has(unitId)) picked.delete(unitId);
    else picked.add(unitId);
  } else if (units.every((id) => picked.has(id))) {
    // Naming ticked units again unticks them, as a second press on one does.
    for (const id of units) picked.delete(id);
  } else {
    for (const id of units) picked.add(id);
  }
  if (named.includes("done")) {
    if (picked.size === 0) throw new AppError("no_audience");
    return preview(ctx, { ...data, audience: { units: [...picked] } });
  }
  return askUnits(ctx, { ...data, picked: [...picked] }, true);
}

async function preview(ctx: Ctx, data: AnnounceData): Promise<void> {
  const actor = lead(ctx);
  const { recipients, unreachable } = await ctx.services.announcements.targets(
    actor.blocId,
    data.audience ?? { units: "all" },
  );
  if (recipients.length === 0) throw new AppError("no_audience");
  const lines = [ctx.t("announcements:preview_title", { chats: recipients.length })];
  if (unreachable.length) {
    lines.push(
      ctx.t("announcements:unreachable", {
        count: unreachable.length,
        units: unreachable.map((u) => u.name).join(", "),
      }),
    );
  }
  lines.push("", data.text ?? "");
  if (data.photoKey) {
    // Where a platform fetches photos by URL and the bot has no public address, its
    // recipients get the text alone: the lead hears it before sending, not after.
    const photoless = new Set(ctx.services.publicAddress.photoless());
    const textOnly = recipients.filter((r) => photoless.has(r.platform));
    if (textOnly.length < recipients.length) lines.push(ctx.t("announcements:with_photo"));
    if (textOnly.length > 0) {
      const apps = [...new Set(textOnly.map((r) => r.platform))]
        .map((p) => ctx.t(`common:app.${p}`, { defaultValue: p }))
        .join(", ");
      lines.push(ctx.t("announcements:text_only", { count: textOnly.length, apps }));
    }
  }
  ctx.reply({
    text: lines.join("\n"),
    choices: [
      { id: "send", label: ctx.t("announcements:send") },
      { id: "cancel", label: ctx.t("announcements:discard") },
    ],
  });
  ctx.flow.goto(ANNOUNCE_FLOW, "confirm", data);
}

async function confirm(ctx: Ctx, input: StepInput, data: AnnounceData): Promise<void> {
  const choice = input.type === "choice" ? input.choiceId : "";
  if (choice === "cancel") {
    ctx.flow.end();
    ctx.reply(ctx.t("announcements:discarded"));
    return;
  }
  if (choice !== "send") throw new AppError("pick_a_choice");
  const actor = lead(ctx);
  const created = await ctx.services.announcements.create({
    blocId: actor.blocId,
    actor: memberActor(actor.memberId),
    leadChatId: ctx.chat?.id ?? null,
    text: data.text ?? "",
    ...(data.texts ? { texts: data.texts } : {}),
    photoKey: data.photoKey ?? null,
    audience: data.audience ?? { units: "all" },
    campaignId: data.campaignId ?? null,
  });
  ctx.flow.end();
  ctx.reply(ctx.t("announcements:queued", { id: created.id, chats: created.targets }));
}

/** Offered right after a campaign opens: its summary, ready to broadcast. */
async function offer(ctx: Ctx, input: StepInput, data: AnnounceData): Promise<void> {
  if (input.type === "choice" && input.choiceId === "announce") return askAudience(ctx, data);
  ctx.flow.end();
  ctx.reply(ctx.t("announcements:not_announced"));
}

async function list(ctx: Ctx, args: string): Promise<void> {
  const actor = lead(ctx);
  const [sub = "", idText = ""] = args.split(/\s+/);
  if (sub === "retry") {
    const id = Number(idText);
    if (!Number.isInteger(id) || id <= 0)
      throw new AppError("bad_arguments", { usage: "/announcements retry 5" });
    const count = await ctx.services.announcements.retryFailed(
      actor.blocId,
      id,
      memberActor(actor.memberId),
    );
    ctx.reply(
      ctx.t(count > 0 ? "announcements:retrying" : "announcements:nothing_to_retry", { id, count }),
    );
    return;
  }
  if (sub) return showDeliveries(ctx, sub);
  const rows = await ctx.services.announcements.recent(actor.blocId);
  if (rows.length === 0) {
    ctx.reply(ctx.t("announcements:none"));
    return;
  }
  const lines = rows.map(
    (r) =>
      `#${r.id} ${formatDateTime(r.createdAt, actor.timezone)} — ${r.text.split("\n")[0]?.slice(0, 60)}\n   ${ctx.t("announcements:counts", { ...r.counts })}`,
  );
  ctx.reply(
    [ctx.t("announcements:list_title"), ...lines, ctx.t("announcements:retry_hint")].join("\n"),
  );
}

export const announcementsFeature: Feature<Services> = {
  commands: [
    {
      names: ["announce", "thongbao"],
      startsForm: true,
      audience: ["LEAD"],
      helpKey: "announce",
      run: start,
    },
    {
      names: ["announcements", "dathongbao"],
      audience: ["LEAD"],
      helpKey: "announcements",
      run: list,
    },
  ],
  flows: [
    {
      name: ANNOUNCE_FLOW,
      steps: {
        text: readText,
        photo: typedStep(announceDataSchema, readPhoto),
        audience: typedStep(announceDataSchema, readAudience),
        units: typedStep(announceDataSchema, readUnits),
        confirm: typedStep(announceDataSchema, confirm),
        offer: typedStep(announceDataSchema, offer),
      },
    },
  ],
};
