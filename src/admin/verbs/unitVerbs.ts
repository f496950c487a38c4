import { type AdminVerb, id, text } from "../adminVerb.ts";

/** A bloc's units: add, rename, retire, list. */
export const unitVerbs: AdminVerb[] = [
  {
    words: "unit add",
    args: "<blocId> <name>",
    run: async ({ app, args }) => {
      const { blocs } = app.services;
      const unit = await blocs.addUnit(
        id("blocId", args[0]),
        text("name", args.slice(1)),
        "operator",
      );
      return { json: unit, text: `unit ${unit.id}: ${unit.name}` };
    },
  },
  {
    words: "unit rename",
    args: "<unitId> <new name>",
    run: async ({ app, args }) => {
      const { blocs } = app.services;
      const unit = await blocs.renameUnit(
        id("unitId", args[0]),
        text("name", args.slice(1)),
        "operator",
      );
      return { json: unit, text: `unit ${unit.id}: ${unit.name}` };
    },
  },
  {
    words: "unit retire",
    args: "<unitId>",
    does: "no longer reminded or addressed; its reports stay",
    run: async ({ app, args }) => {
      const { blocs } = app.services;
      const unit = await blocs.unitOf(undefined, id("unitId", args[0]));
      const retired = await blocs.retireUnit(unit.blocId, unit.id, "operator");
      return {
        json: retired,
        text: `unit ${retired.id}: ${retired.name} retired (${retired.revokedCodes} codes revoked)`,
      };
    },
  },
  {
    words: "unit list",
    args: "<blocId>",
    does: "every unit, retired ones marked",
    run: async ({ app, args }) => {
      const { blocs } = app.services;
      const list = await blocs.allUnits((await blocs.getBloc(id("blocId", args[0]))).id);
      return {
        json: list,
        text:
          list.map((u) => `${u.id}\t${u.name}${u.retiredAt ? "\tretired" : ""}`).join("\n") ||
          "no units",
      };
    },
  },
];
