import { thresholdsSchema } from "../../features/campaigns/criteria.ts";
import { AdminError } from "../adminResult.ts";
import { type AdminVerb, id, text } from "../adminVerb.ts";

/** Blocs: create, list, and the classification thresholds. */
export const blocVerbs: AdminVerb[] = [
  {
    words: "bloc create",
    args: "<name> [--tz Asia/Ho_Chi_Minh]",
    options: ["tz"],
    run: async ({ app, args, options }) => {
      const { blocs } = app.services;
      const timezone = app.deps.config.DEFAULT_TIMEZONE;
      const bloc = await blocs.createBloc(text("name", args), options.tz ?? timezone, "operator");
      return { json: bloc, text: `bloc ${bloc.id}: ${bloc.name} (${bloc.timezone})` };
    },
  },
  {
    words: "bloc list",
    args: "",
    run: async ({ app }) => {
      const { blocs } = app.services;
      const _timezone = app.deps.config.DEFAULT_TIMEZONE;
      const list = await blocs.listBlocs();
      return {
        json: list.map((b) => ({ id: b.id, name: b.name, timezone: b.timezone, ...b._count })),
        text:
          list
            .map((b) => `${b.id}\t${b.name}\t${b._count.units} units\t${b._count.members} members`)
            .join("\n") || "no blocs yet: npm run admin -- bloc create <name>",
      };
    },
  },
  {
    words: "bloc thresholds",
    args: '<blocId> "Xuất sắc:90,Tốt:70,Hoàn thành:50,Không hoàn thành:0"',
    run: async ({ app, args }) => {
      const { blocs } = app.services;
      const bloc = await blocs.getBloc(id("blocId", args[0]));
      const spec = text("thresholds", args.slice(1));
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
      const saved = await app.services.ranking.setBlocThresholds(bloc.id, parsed.data, "operator");
      return {
        json: saved,
        text: saved.map((s) => `${s.label} ≥ ${s.min} %`).join("\n"),
      };
    },
  },
];
