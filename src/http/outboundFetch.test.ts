import { describe, expect, it } from "vitest";
import { checkOutboundUrl, OutboundRefused } from "./outboundFetch.ts";

describe("URLs the bot fetches for a platform", () => {
  it("must be https to a public address", async () => {
    for (const bad of [
      "http://example.com/a.jpg",
      "ftp://example.com/a.jpg",
      "https://127.0.0.1/a.jpg",
      "https://localhost/a.jpg",
      "https://10.1.2.3/a.jpg",
      "https://192.168.1.1/a.jpg",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/a.jpg",
      "https://[::ffff:127.0.0.1]/a.jpg",
      "not a url",
    ]) {
      await expect(checkOutboundUrl(bad), bad).rejects.toBeInstanceOf(OutboundRefused);
    }
    expect((await checkOutboundUrl("https://93.184.216.34/a.jpg")).hostname).toBe("93.184.216.34");
  });

  it("let through the configured API root's own host, as it is", async () => {
    expect((await checkOutboundUrl("http://127.0.0.1:8081/img.jpg", "127.0.0.1:8081")).port).toBe(
      "8081",
    );
    await expect(checkOutboundUrl("http://127.0.0.1:9999/x", "127.0.0.1:8081")).rejects.toThrow(
      OutboundRefused,
    );
  });
});
