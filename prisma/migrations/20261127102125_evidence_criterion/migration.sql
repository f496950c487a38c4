-- AlterTable
ALTER TABLE "Evidence" ADD COLUMN "criterionId" INTEGER;
