-- AlterTable
ALTER TABLE "Bloc" ADD COLUMN     "rankSelfScores" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "publishedAt" TIMESTAMP(3),
ADD COLUMN     "publishedById" INTEGER;

-- AlterTable
ALTER TABLE "ReviewDecision" ADD COLUMN     "correction" BOOLEAN NOT NULL DEFAULT false;
