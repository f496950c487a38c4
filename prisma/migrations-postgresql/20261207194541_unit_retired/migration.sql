-- AlterTable
ALTER TABLE "Unit" ADD COLUMN     "retiredAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "FormerAccount" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "blocId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "removedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FormerAccount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FormerAccount_platform_platformUserId_idx" ON "FormerAccount"("platform", "platformUserId");
