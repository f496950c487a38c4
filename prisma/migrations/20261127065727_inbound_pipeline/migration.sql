-- AlterTable
ALTER TABLE "Announcement" ADD COLUMN "progressMessageId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_InboundUpdate" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "updateKey" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL DEFAULT '',
    "payload" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "nextAttemptAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "replies" TEXT,
    "repliesSent" INTEGER NOT NULL DEFAULT 0,
    "processedAt" DATETIME
);
INSERT INTO "new_InboundUpdate" ("attempts", "id", "payload", "platform", "processedAt", "receivedAt", "updateKey") SELECT "attempts", "id", "payload", "platform", "processedAt", "receivedAt", "updateKey" FROM "InboundUpdate";
DROP TABLE "InboundUpdate";
ALTER TABLE "new_InboundUpdate" RENAME TO "InboundUpdate";
-- Rows handled before this migration are done; the rest are handled again.
UPDATE "InboundUpdate" SET "status" = 'DONE' WHERE "processedAt" IS NOT NULL;
CREATE INDEX "InboundUpdate_status_nextAttemptAt_idx" ON "InboundUpdate"("status", "nextAttemptAt");
CREATE INDEX "InboundUpdate_platform_processedAt_idx" ON "InboundUpdate"("platform", "processedAt");
CREATE UNIQUE INDEX "InboundUpdate_platform_updateKey_key" ON "InboundUpdate"("platform", "updateKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
