-- AlterTable
ALTER TABLE "Announcement" ADD COLUMN "campaignId" INTEGER;

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN "platformMessageId" TEXT;

-- CreateIndex
CREATE INDEX "Delivery_platform_platformChatId_platformMessageId_idx" ON "Delivery"("platform", "platformChatId", "platformMessageId");
