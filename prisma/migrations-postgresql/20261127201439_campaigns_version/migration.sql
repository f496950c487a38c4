-- AlterTable
ALTER TABLE "Bloc" ADD COLUMN     "campaignsVersion" INTEGER NOT NULL DEFAULT 0;
