import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // On PostgreSQL (npm run test:postgresql) the files about SQLite itself and the
    // install-from-a-clean-copy checks (they run on SQLite whatever the run) are left out.
    exclude: process.env.TEST_DATABASE_URL
      ? [
          "**/node_modules/**",
          "src/db/client.test.ts",
          "test/journeys/deployment.test.ts",
          "test/journeys/npmStart.test.ts",
        ]
      : ["**/node_modules/**"],
    globalSetup: ["test/helpers/globalSetup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
