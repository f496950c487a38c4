import { FailedUpdates } from "../../inbound/failedUpdates.ts";
import { AdminError } from "../adminResult.ts";
import { type AdminVerb, id } from "../adminVerb.ts";

/** Updates the bot gave up on: list, handle again, drop. */
export const inboxVerbs: AdminVerb[] = [
  {
    words: "inbox list",
    args: "",
    does: "messages the bot gave up on (the sender was asked to resend), or answered only in part (the sender was told what is missing)",
    run: async ({ app }) => {
      const { failed, waiting } = await new FailedUpdates(app.deps.db, app.deps.clock).list();
      const lines = failed.map(
        (f) =>
          `${f.id}\t${f.platform}\t${f.updateKey}\t${f.receivedAt.toISOString()}\t${f.attempts} tries\t${f.lastError ?? ""}`,
      );
      return {
        json: { waiting, failed },
        text: [`${waiting} waiting to be handled, ${failed.length} given up`, ...lines].join("\n"),
      };
    },
  },
  ...(["retry", "drop"] as const).map(
    (verb): AdminVerb => ({
      words: `inbox ${verb}`,
      args: "<id|all>",
      ...(verb === "retry"
        ? { does: "handle them again, or send the missing parts (the running bot does)" }
        : {}),
      run: async ({ app, args }) => {
        const target = args[0] === "all" ? "all" : id("updateId", args[0]);
        const store = new FailedUpdates(app.deps.db, app.deps.clock);
        const count = verb === "retry" ? await store.retry(target) : await store.drop(target);
        if (count === 0 && target !== "all") throw new AdminError(`no given-up update ${target}`);
        return {
          json: { count },
          text: `${count} update(s) ${verb === "retry" ? "queued again" : "dropped"}`,
        };
      },
    }),
  ),
];
