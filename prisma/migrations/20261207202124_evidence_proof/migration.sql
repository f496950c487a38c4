-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Evidence" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "reportId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "platformFileId" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mimeType" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "caption" TEXT NOT NULL DEFAULT '',
    "criterionId" INTEGER,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "forwarded" BOOLEAN,
    "sentAsFile" BOOLEAN NOT NULL DEFAULT false,
    "exifTakenAt" DATETIME,
    "exifLat" REAL,
    "exifLon" REAL,
    CONSTRAINT "Evidence_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Evidence_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Evidence_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Evidence" ("caption", "criterionId", "height", "id", "memberId", "mimeType", "platform", "platformFileId", "receivedAt", "reportId", "sha256", "size", "storageKey", "unitId", "width") SELECT "caption", "criterionId", "height", "id", "memberId", "mimeType", "platform", "platformFileId", "receivedAt", "reportId", "sha256", "size", "storageKey", "unitId", "width" FROM "Evidence";
DROP TABLE "Evidence";
ALTER TABLE "new_Evidence" RENAME TO "Evidence";
CREATE INDEX "Evidence_unitId_idx" ON "Evidence"("unitId");
CREATE UNIQUE INDEX "Evidence_reportId_sha256_key" ON "Evidence"("reportId", "sha256");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
