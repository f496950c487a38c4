import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type i18n, type Resource, type TFunction } from "i18next";
import { fromProject } from "../paths.ts";
import type { Language } from "./language.ts";

export type Translate = TFunction;

export const LANGUAGES: readonly Language[] = ["vi", "en"];
export const LOCALES_DIR = fromProject("locales");

/** Reads locales/<lng>/<namespace>.json into i18next's resource shape. */
export function readLocaleResources(dir: string = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lng of LANGUAGES) {
    const namespaces: Resource[string] = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith(".json"))) {
      namespaces[file.replace(/\.json$/, "")] = JSON.parse(
        readFileSync(join(dir, lng, file), "utf8"),
      );
    }
    resources[lng] = namespaces;
  }
  return resources;
}

/**
 * One i18next instance for the process; each recipient gets a translator fixed to
 * their language (never changeLanguage on the shared instance, which would race).
 */
export class Translator {
  readonly #i18n: i18n;

  constructor(fallback: Language, dir: string = LOCALES_DIR) {
    const resources = readLocaleResources(dir);
    this.#i18n = i18next.createInstance();
    this.#i18n.init({
      resources,
      lng: fallback,
      fallbackLng: fallback === "vi" ? ["vi", "en"] : ["en", "vi"],
      ns: Object.keys(resources.vi ?? {}),
      defaultNS: "common",
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }

  for(language: Language): Translate {
    return this.#i18n.getFixedT(language);
  }
}
