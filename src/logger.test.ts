import { mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

describe("logs", () => {
  it("are JSON lines with tokens and secrets redacted", () => {
    const file = join(mkdtempSync(join(tmpdir(), "thidua-log-")), "log.json");
    const logger = createLogger("info", openSync(file, "w"));
    logger.info({ token: "123:SECRET", config: { TELEGRAM_BOT_TOKEN: "123:SECRET" } }, "started");
    logger.flush();
    const line = JSON.parse(readFileSync(file, "utf8").trim());
    expect(line.msg).toBe("started");
    expect(JSON.stringify(line)).not.toContain("SECRET");
    expect(line.token).toBe("[redacted]");
  });
});
