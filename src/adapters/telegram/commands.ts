import type { Api } from "grammy";
import type { App } from "../../app.ts";
import { LANGUAGES } from "../../i18n/translator.ts";

/** The command menu, once per language, from the router's own command list. */
export async function registerCommands(api: Api, app: App): Promise<void> {
  const commands = app.router
    .listCommands()
    .filter((c) => !c.strangersOnly || c.names[0] === "start");
  for (const language of LANGUAGES) {
    const t = app.translator.for(language);
    const menu = commands.map((c) => ({
      command: c.names[0] ?? "",
      description: t(`help:${c.helpKey}`).slice(0, 256),
    }));
    await api.setMyCommands(menu, { language_code: language });
    // Users whose app language is neither vi nor en see the default language's menu.
    if (language === app.deps.config.DEFAULT_LANGUAGE) await api.setMyCommands(menu);
  }
}
