import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ZaloApiError, ZaloClient, ZaloNetworkError } from "./client.ts";

const TOKEN = "12345689:super-secret-token";

describe("the Zalo client", () => {
  it("never puts the token (part of every URL) in an error", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(502);
      res.end("<html>bad gateway</html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const failures: Error[] = [];
    await new ZaloClient(TOKEN, root).sendMessage("u1", "x").catch((e: Error) => failures.push(e));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new ZaloClient(TOKEN, root).sendMessage("u1", "x").catch((e: Error) => failures.push(e));
    expect(failures[0]).toBeInstanceOf(ZaloApiError);
    expect(failures[1]).toBeInstanceOf(ZaloNetworkError);
    expect((failures[1] as ZaloNetworkError).surelyNotSent).toBe(true);
    for (const failure of failures) {
      expect(failure.message).not.toContain("super-secret-token");
      expect(JSON.stringify({ ...failure, message: failure.message })).not.toContain(
        "super-secret-token",
      );
    }
  });

  it("turns ok:false with HTTP 200 into a typed error with its code", async () => {
    const fetchImpl = async () =>
      new Response(JSON.stringify({ ok: false, error_code: 429, description: "Quota exceeded" }), {
        status: 200,
      });
    const error = await new ZaloClient(TOKEN, "http://zalo", fetchImpl)
      .getMe()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZaloApiError);
    expect(error).toMatchObject({ errorCode: 429, description: "Quota exceeded", method: "getMe" });
  });

  it("reads an idle long poll (408) as no update", async () => {
    const fetchImpl = async () =>
      new Response(JSON.stringify({ ok: false, error_code: 408, description: "Request timeout" }), {
        status: 200,
      });
    expect(await new ZaloClient(TOKEN, "http://zalo", fetchImpl).getUpdates(1)).toBeNull();
  });
});
