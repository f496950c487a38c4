import type { Api } from "grammy";
import type { AdapterPort } from "../../core/port.ts";
import { LANGUAGES } from "../../i18n/translator.ts";

/** The command menu, once per language, from the router's own command list. */
export async function registerCommands(api: Api, port: AdapterPort): Promise<void> {
  for (const language of LANGUAGES) {
    const menu = port.commandMenu(language).map((item) => ({
      command: item.command,
      description: item.description.slice(0, 256),
    }));
    await api.setMyCommands(menu, { language_code: language });
    // Users whose app language is neither vi nor en see the default language's menu.
    if (language === port.defaultLanguage) await api.setMyCommands(menu);
  }
}
