-- AlterTable
ALTER TABLE "Unit" ADD COLUMN "retiredAt" DATETIME;

-- CreateTable
CREATE TABLE "FormerAccount" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "blocId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "removedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "FormerAccount_platform_platformUserId_idx" ON "FormerAccount"("platform", "platformUserId");
