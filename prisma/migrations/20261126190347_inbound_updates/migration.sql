-- CreateTable
CREATE TABLE "InboundUpdate" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "updateKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "processedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0
);

-- CreateIndex
CREATE INDEX "InboundUpdate_platform_processedAt_idx" ON "InboundUpdate"("platform", "processedAt");

-- CreateIndex
CREATE UNIQUE INDEX "InboundUpdate_platform_updateKey_key" ON "InboundUpdate"("platform", "updateKey");
