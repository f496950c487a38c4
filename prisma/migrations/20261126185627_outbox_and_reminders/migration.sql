-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN "reminderOffsets" TEXT;

-- AlterTable
ALTER TABLE "Deadline" ADD COLUMN "reminderOffsets" TEXT;

-- CreateTable
CREATE TABLE "Announcement" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blocId" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "leadChatId" INTEGER,
    "text" TEXT NOT NULL,
    "photoKey" TEXT,
    "audience" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "announcementId" INTEGER,
    "blocId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "platformChatId" TEXT NOT NULL,
    "chatKind" TEXT NOT NULL DEFAULT 'PRIVATE',
    "chatId" INTEGER,
    "text" TEXT NOT NULL,
    "photoKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "lastError" TEXT,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "Delivery_announcementId_fkey" FOREIGN KEY ("announcementId") REFERENCES "Announcement" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReminderMark" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Bloc" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    "reminderOffsets" TEXT NOT NULL DEFAULT '4320,1440,120',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Bloc" ("createdAt", "id", "name", "timezone") SELECT "createdAt", "id", "name", "timezone" FROM "Bloc";
DROP TABLE "Bloc";
ALTER TABLE "new_Bloc" RENAME TO "Bloc";
CREATE UNIQUE INDEX "Bloc_name_key" ON "Bloc"("name");
CREATE TABLE "new_Member" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blocId" INTEGER NOT NULL,
    "unitId" INTEGER,
    "role" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'vi',
    "remindersMuted" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Member_blocId_fkey" FOREIGN KEY ("blocId") REFERENCES "Bloc" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Member_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Member" ("blocId", "createdAt", "displayName", "id", "language", "role", "unitId") SELECT "blocId", "createdAt", "displayName", "id", "language", "role", "unitId" FROM "Member";
DROP TABLE "Member";
ALTER TABLE "new_Member" RENAME TO "Member";
CREATE INDEX "Member_blocId_role_idx" ON "Member"("blocId", "role");
CREATE INDEX "Member_unitId_idx" ON "Member"("unitId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Announcement_blocId_createdAt_idx" ON "Announcement"("blocId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_dedupeKey_key" ON "Delivery"("dedupeKey");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_announcementId_status_idx" ON "Delivery"("announcementId", "status");
