-- AlterTable
ALTER TABLE "Member" ADD COLUMN "removedAt" DATETIME;
