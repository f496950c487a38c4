-- DropTable
DROP TABLE "ProcessedUpdate";
