import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runConsoleRepl } from "../../src/adapters/console/repl.ts";
import { seedDemoBloc } from "../../src/features/blocs/demo.ts";
import { createTestApp, type TestApp } from "../helpers/testApp.ts";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

async function runScript(lines: string[]): Promise<string> {
  const output = new PassThrough();
  let transcript = "";
  output.on("data", (chunk) => {
    transcript += chunk;
  });
  await runConsoleRepl(t.chat.as("lead"), {
    input: Readable.from([`${lines.join("\n")}\n`]),
    output,
    interactive: false,
    filesDir: join(t.dir, "files"),
  });
  return transcript;
}

describe("a scripted console session", () => {
  it("switches speakers with :as and shows who said what", async () => {
    const invites = await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const transcript = await runScript([
      "/whoami",
      ":as lan",
      `/join ${invites[0]?.code}`,
      "/whoami",
      ":who",
    ]);
    expect(transcript).toContain("lead> /whoami");
    expect(transcript).toContain("Thường trực khối (demo)");
    expect(transcript).toContain("lan> /join");
    expect(transcript).toMatch(/lan> \/whoami\n {2}🤖 lan\n/);
    expect(transcript).toContain("(lan)");
  });

  it("explains an unknown console command and a missing file without stopping", async () => {
    const transcript = await runScript([":frob", ":photo /no/such.jpg", "/help"]);
    expect(transcript).toContain("unknown console command :frob");
    expect(transcript).toContain("no such file: /no/such.jpg");
    expect(transcript).toContain("lead> /help");
  });

  it("sends a file from disk as the speaker", async () => {
    await seedDemoBloc(t.app.services, "Asia/Ho_Chi_Minh", t.clock.now());
    const file = join(mkdtempSync(join(tmpdir(), "thidua-file-")), "note.txt");
    writeFileSync(file, "not a photo");
    const transcript = await runScript([`:file ${file} | báo cáo`]);
    expect(transcript).toContain("lead> :file");
    expect(transcript).toContain("Chỉ nhận ảnh JPEG, PNG hoặc WebP");
  });
});
