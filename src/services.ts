import { join } from "node:path";
import type { Config } from "./config.ts";
import type { Clock } from "./core/clock.ts";
import type { Language } from "./core/roles.ts";
import type { Db } from "./db/client.ts";
import { Outbox } from "./delivery/outbox.ts";
import { AnnouncementService } from "./features/announcements/service.ts";
import { BlocService } from "./features/blocs/service.ts";
import { CampaignService } from "./features/campaigns/service.ts";
import { EvidenceService } from "./features/evidence/service.ts";
import { ExportService } from "./features/export/service.ts";
import { MembershipService } from "./features/membership/service.ts";
import { ProgressService } from "./features/progress/service.ts";
import { ReminderService } from "./features/reminders/service.ts";
import { parseClockTime } from "./features/reminders/workingTime.ts";
import { ReportService } from "./features/reports/service.ts";
import type { Translate, Translator } from "./i18n/translator.ts";
import { type EvidenceStore, LocalEvidenceStore } from "./storage/evidenceStore.ts";

/** Every domain service, as handlers, the admin CLI and the scheduler share them. */
export interface Services {
  config: Config;
  /** A translator for a language other than the current speaker's. */
  translate(language: Language): Translate;
  blocs: BlocService;
  membership: MembershipService;
  campaigns: CampaignService;
  reports: ReportService;
  evidence: EvidenceService;
  progress: ProgressService;
  exports: ExportService;
  outbox: Outbox;
  evidenceStore: EvidenceStore;
  announcements: AnnouncementService;
  reminders: ReminderService;
}

export interface ServiceOptions {
  store?: EvidenceStore;
  /** Wakes the outbox's sender after something was enqueued. */
  nudge?: () => void;
}

export function createServices(
  db: Db,
  config: Config,
  clock: Clock,
  translator: Translator,
  options: ServiceOptions = {},
): Services {
  const store = options.store ?? new LocalEvidenceStore(join(config.DATA_DIR, "evidence"));
  const outbox = new Outbox(db, clock);
  return {
    config,
    translate: (language) => translator.for(language),
    blocs: new BlocService(db),
    membership: new MembershipService(db, clock, {
      maxFailedTries: config.INVITE_MAX_FAILED_TRIES,
      tryWindowMinutes: config.INVITE_TRY_WINDOW_MINUTES,
      defaultInviteDays: config.INVITE_DEFAULT_DAYS,
    }),
    campaigns: new CampaignService(db, clock),
    reports: new ReportService(db, clock),
    evidence: new EvidenceService(store, config.EVIDENCE_MAX_BYTES),
    progress: new ProgressService(db),
    exports: new ExportService(db, store),
    outbox,
    evidenceStore: store,
    announcements: new AnnouncementService(db, outbox, clock, () => options.nudge?.()),
    reminders: new ReminderService(db, outbox, clock, translator, reminderSettings(config), () =>
      options.nudge?.(),
    ),
  };
}

function reminderSettings(config: Config) {
  const [start = "21:00", end = "07:00"] = config.QUIET_HOURS.split("-");
  return {
    quietStart: parseClockTime(start) ?? 21 * 60,
    quietEnd: parseClockTime(end) ?? 7 * 60,
    holidays: new Set(config.HOLIDAYS.split(",").map((d) => d.trim())),
    defaultLanguage: config.DEFAULT_LANGUAGE,
  };
}
