-- AlterTable (a new column at the end: SQLite adds it in place, no table copy)
ALTER TABLE "Bloc" ADD COLUMN "campaignsVersion" INTEGER NOT NULL DEFAULT 0;
