-- CreateTable
CREATE TABLE "RegistrationRound" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blocId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "deadline" DATETIME NOT NULL,
    "titles" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "openedBy" TEXT NOT NULL,
    "lastReminderSlot" INTEGER
);

-- CreateTable
CREATE TABLE "Registration" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "roundId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "titles" TEXT NOT NULL,
    "commitments" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'AWAITING',
    "late" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "submittedAt" DATETIME NOT NULL,
    "submittedBy" INTEGER NOT NULL,
    "decidedAt" DATETIME,
    "decidedBy" INTEGER,
    "reason" TEXT NOT NULL DEFAULT ''
);

-- CreateTable
CREATE TABLE "Ballot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blocId" INTEGER NOT NULL,
    "question" TEXT NOT NULL,
    "candidates" TEXT NOT NULL,
    "choose" INTEGER NOT NULL,
    "round" INTEGER NOT NULL DEFAULT 1,
    "electorate" TEXT NOT NULL,
    "quorum" INTEGER NOT NULL,
    "thresholdPercent" INTEGER NOT NULL,
    "closesAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "openedAt" DATETIME NOT NULL,
    "openedBy" TEXT NOT NULL,
    "closedAt" DATETIME,
    "box" TEXT,
    "boxVersion" INTEGER NOT NULL DEFAULT 0,
    "salt" TEXT,
    "lastReminderSlot" INTEGER
);

-- CreateTable
CREATE TABLE "BallotVoter" (
    "ballotId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,

    PRIMARY KEY ("ballotId", "round", "unitId")
);

-- CreateTable
CREATE TABLE "BallotCount" (
    "ballotId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "candidateId" INTEGER NOT NULL,
    "votes" INTEGER NOT NULL,

    PRIMARY KEY ("ballotId", "round", "candidateId")
);

-- CreateTable
CREATE TABLE "BallotRound" (
    "ballotId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "candidates" TEXT NOT NULL,
    "choose" INTEGER NOT NULL,
    "eligible" INTEGER NOT NULL,
    "voted" INTEGER NOT NULL,
    "quorum" INTEGER NOT NULL,
    "needed" INTEGER NOT NULL,
    "valid" BOOLEAN NOT NULL,
    "elected" TEXT NOT NULL,
    "tied" TEXT NOT NULL,
    "closedAt" DATETIME NOT NULL,

    PRIMARY KEY ("ballotId", "round")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Bloc" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    "reminderOffsets" TEXT NOT NULL DEFAULT '4320,1440,120',
    "thresholds" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "campaignsVersion" INTEGER NOT NULL DEFAULT 0,
    "rankSelfScores" BOOLEAN NOT NULL DEFAULT false,
    "ballotThreshold" INTEGER NOT NULL DEFAULT 50,
    "registrationTitles" TEXT
);
INSERT INTO "new_Bloc" ("campaignsVersion", "createdAt", "id", "name", "rankSelfScores", "reminderOffsets", "thresholds", "timezone") SELECT "campaignsVersion", "createdAt", "id", "name", "rankSelfScores", "reminderOffsets", "thresholds", "timezone" FROM "Bloc";
DROP TABLE "Bloc";
ALTER TABLE "new_Bloc" RENAME TO "Bloc";
CREATE UNIQUE INDEX "Bloc_name_key" ON "Bloc"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "RegistrationRound_blocId_year_key" ON "RegistrationRound"("blocId", "year");

-- CreateIndex
CREATE UNIQUE INDEX "Registration_roundId_unitId_key" ON "Registration"("roundId", "unitId");
