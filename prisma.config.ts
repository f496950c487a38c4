import { defineConfig } from "prisma/config";

// Only `prisma generate` reads this file; the bot itself applies migrations with
// the WebAssembly schema engine (src/db/schemaEngine.ts), never the CLI's binary.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
