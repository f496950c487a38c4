-- AlterTable
ALTER TABLE "Evidence" ADD COLUMN     "dhash" TEXT,
ADD COLUMN     "phash" TEXT,
ADD COLUMN     "phashFlat" BOOLEAN,
ADD COLUMN     "phashMirror" TEXT;

-- CreateTable
CREATE TABLE "EvidenceMatch" (
    "id" SERIAL NOT NULL,
    "evidenceId" INTEGER NOT NULL,
    "matchId" INTEGER NOT NULL,
    "distance" INTEGER NOT NULL,
    "band" TEXT NOT NULL,
    "mirrored" BOOLEAN NOT NULL,
    "sameUnit" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EvidenceMatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EvidenceMatch_matchId_idx" ON "EvidenceMatch"("matchId");

-- CreateIndex
CREATE UNIQUE INDEX "EvidenceMatch_evidenceId_matchId_key" ON "EvidenceMatch"("evidenceId", "matchId");

-- AddForeignKey
ALTER TABLE "EvidenceMatch" ADD CONSTRAINT "EvidenceMatch_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "Evidence"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvidenceMatch" ADD CONSTRAINT "EvidenceMatch_matchId_fkey" FOREIGN KEY ("matchId") REFERENCES "Evidence"("id") ON DELETE CASCADE ON UPDATE CASCADE;
