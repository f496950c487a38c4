import { type AdminVerb, id } from "../adminVerb.ts";

/** A bloc's members. */
export const memberVerbs: AdminVerb[] = [
  {
    words: "member list",
    args: "<blocId>",
    run: async ({ app, args }) => {
      const { blocs } = app.services;
      const list = await blocs.listMembers((await blocs.getBloc(id("blocId", args[0]))).id);
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
    },
  },
];
