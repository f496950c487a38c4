-- AlterTable
ALTER TABLE "Evidence" ADD COLUMN "dhash" TEXT;
ALTER TABLE "Evidence" ADD COLUMN "phash" TEXT;
ALTER TABLE "Evidence" ADD COLUMN "phashFlat" BOOLEAN;
ALTER TABLE "Evidence" ADD COLUMN "phashMirror" TEXT;

-- CreateTable
CREATE TABLE "EvidenceMatch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "evidenceId" INTEGER NOT NULL,
    "matchId" INTEGER NOT NULL,
    "distance" INTEGER NOT NULL,
    "band" TEXT NOT NULL,
    "mirrored" BOOLEAN NOT NULL,
    "sameUnit" BOOLEAN NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "EvidenceMatch_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "Evidence" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "EvidenceMatch_matchId_fkey" FOREIGN KEY ("matchId") REFERENCES "Evidence" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "EvidenceMatch_matchId_idx" ON "EvidenceMatch"("matchId");

-- CreateIndex
CREATE UNIQUE INDEX "EvidenceMatch_evidenceId_matchId_key" ON "EvidenceMatch"("evidenceId", "matchId");
