import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema, loadConfig } from "../src/config.ts";

describe(".env.example", () => {
  const text = readFileSync(".env.example", "utf8");
  const documented = [...text.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
  const schemaKeys = Object.keys(configSchema.shape);

  it("documents every variable the configuration reads, and no other", () => {
    expect([...documented].sort()).toEqual([...schemaKeys].sort());
  });

  it("is a valid configuration as it stands", () => {
    const env = Object.fromEntries(
      [...text.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1] ?? "", (m[2] ?? "").trim()]),
    );
    expect(() => loadConfig(env)).not.toThrow();
  });
});
