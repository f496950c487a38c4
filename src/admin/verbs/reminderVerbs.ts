import { formatOffsets, parseOffsets } from "../../features/reminders/offsets.ts";
import { AdminError } from "../adminResult.ts";
import { type AdminVerb, id } from "../adminVerb.ts";

/** When reminders go before each deadline. */
export const reminderVerbs: AdminVerb[] = [
  {
    words: "reminders set",
    args: "<3d,1d,2h> (--bloc <id> | --deadline <id>)",
    options: ["bloc", "deadline"],
    run: async ({ app, args, options }) => {
      const { blocs } = app.services;
      const offsets = parseOffsets(args.join(","));
      if (!offsets)
        throw new AdminError("offsets must look like 3d,1d,2h (days, hours, minutes)", 2);
      if (options.deadline !== undefined) {
        await app.services.reminders.setDeadlineOffsets(
          id("--deadline", options.deadline),
          offsets,
        );
      } else {
        await app.services.reminders.setBlocOffsets(
          (await blocs.getBloc(id("--bloc", options.bloc))).id,
          offsets,
        );
      }
      return {
        json: { offsets, bloc: options.bloc ?? null, deadline: options.deadline ?? null },
        text: `reminders at ${formatOffsets(offsets)} before ${options.deadline ? `deadline ${options.deadline}` : "each deadline"}`,
      };
    },
  },
];
