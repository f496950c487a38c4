-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Deadline" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" INTEGER NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "reminderOffsets" TEXT,
    "lastReminderSlot" INTEGER,
    "overdueHandled" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Deadline_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Deadline" ("campaignId", "dueAt", "id", "reminderOffsets") SELECT "campaignId", "dueAt", "id", "reminderOffsets" FROM "Deadline";
DROP TABLE "Deadline";
ALTER TABLE "new_Deadline" RENAME TO "Deadline";
CREATE INDEX "Deadline_dueAt_idx" ON "Deadline"("dueAt");
CREATE INDEX "Deadline_overdueHandled_dueAt_idx" ON "Deadline"("overdueHandled", "dueAt");
CREATE INDEX "Deadline_campaignId_idx" ON "Deadline"("campaignId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
