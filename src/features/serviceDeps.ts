import type { Config } from "../config.ts";
import type { Clock } from "../core/clock.ts";
import type { Db } from "../db/client.ts";
import type { Outbox } from "../delivery/outbox.ts";
import type { SignedLinks } from "../http/signedLinks.ts";
import type { Translator } from "../i18n/translator.ts";
import type { PublicAddress } from "../services/publicAddress.ts";
import type { EvidenceStore } from "../storage/evidenceStore.ts";

/** What a feature's services are built from: the process's infrastructure. */
export interface ServiceDeps {
  db: Db;
  config: Config;
  clock: Clock;
  translator: Translator;
  outbox: Outbox;
  evidenceStore: EvidenceStore;
  /** Signed, expiring links to files under DATA_DIR/exports (GET /downloads/…). */
  downloads: SignedLinks;
  /** Where people reach the bot's HTTP server (PUBLIC_BASE_URL, or the local address). */
  baseUrl(): string;
  /** Whether those links reach people, and which platforms get no photos without it. */
  publicAddress: PublicAddress;
  /** Wakes the outbox's sender after something was enqueued. */
  nudge(): void;
  /** The Telegram bot's username once connected ("" without Telegram): invite deep links. */
  telegramUsername(): string;
}
