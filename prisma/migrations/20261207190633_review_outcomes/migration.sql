-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN "publishedAt" DATETIME;
ALTER TABLE "Campaign" ADD COLUMN "publishedById" INTEGER;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Bloc" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    "reminderOffsets" TEXT NOT NULL DEFAULT '4320,1440,120',
    "thresholds" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "campaignsVersion" INTEGER NOT NULL DEFAULT 0,
    "rankSelfScores" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_Bloc" ("campaignsVersion", "createdAt", "id", "name", "reminderOffsets", "thresholds", "timezone") SELECT "campaignsVersion", "createdAt", "id", "name", "reminderOffsets", "thresholds", "timezone" FROM "Bloc";
DROP TABLE "Bloc";
ALTER TABLE "new_Bloc" RENAME TO "Bloc";
CREATE UNIQUE INDEX "Bloc_name_key" ON "Bloc"("name");
CREATE TABLE "new_ReviewDecision" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "reportId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "scores" TEXT NOT NULL DEFAULT '{}',
    "correction" BOOLEAN NOT NULL DEFAULT false,
    "at" DATETIME NOT NULL,
    CONSTRAINT "ReviewDecision_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReviewDecision_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_ReviewDecision" ("action", "at", "id", "memberId", "reason", "reportId", "scores") SELECT "action", "at", "id", "memberId", "reason", "reportId", "scores" FROM "ReviewDecision";
DROP TABLE "ReviewDecision";
ALTER TABLE "new_ReviewDecision" RENAME TO "ReviewDecision";
CREATE INDEX "ReviewDecision_reportId_idx" ON "ReviewDecision"("reportId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
