import { existsSync, readFileSync } from "node:fs";
import { CampaignFileError, parseCampaignFile } from "../../features/campaigns/campaignFile.ts";
import { AdminError } from "../adminResult.ts";
import { type AdminVerb, id, text } from "../adminVerb.ts";

/** Campaigns: import from a file, list. */
export const campaignVerbs: AdminVerb[] = [
  {
    words: "campaign import",
    args: "<file.yaml|file.json> --bloc <id>",
    options: ["bloc"],
    run: async ({ app, args, options }) => {
      const { blocs, campaigns } = app.services;
      const bloc = await blocs.getBloc(id("--bloc", options.bloc));
      const path = text("file", args);
      if (!existsSync(path)) throw new AdminError(`no such file: ${path}`);
      let parsed: ReturnType<typeof parseCampaignFile>;
      try {
        parsed = parseCampaignFile(readFileSync(path, "utf8"), bloc.timezone, app.deps.clock.now());
      } catch (error) {
        if (error instanceof CampaignFileError) throw new AdminError(`${path}:\n${error.message}`);
        throw error;
      }
      let campaign = await campaigns.create(bloc.id, parsed.draft, "operator");
      if (parsed.activate) campaign = await campaigns.activate(bloc.id, campaign.id, "operator");
      return {
        json: campaign,
        text: `campaign ${campaign.id}: ${campaign.title} (${campaign.status}, ${campaign.deadlines.length} deadlines)`,
      };
    },
  },
  {
    words: "campaign list",
    args: "<blocId>",
    run: async ({ app, args }) => {
      const { blocs, campaigns } = app.services;
      const bloc = await blocs.getBloc(id("blocId", args[0]));
      const list = await campaigns.list(bloc.id, ["DRAFT", "ACTIVE", "CLOSED"]);
      return {
        json: list,
        text: list.map((c) => `${c.id}\t${c.status}\t${c.title}`).join("\n") || "no campaigns",
      };
    },
  },
];
