import { describe, expect, it } from "vitest";
import { PermanentInboundError } from "../core/port.ts";
import { isOutage } from "./outage.ts";

describe("a failure is an outage", () => {
  it("when nothing answered: refused or reset connections, timeouts, a database that is gone", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
      code: "ECONNREFUSED",
    });
    expect(isOutage(new TypeError("fetch failed", { cause: refused }))).toBe(true);
    const grammy = Object.assign(new Error("Network request for 'getFile' failed!"), {
      name: "HttpError",
    });
    expect(isOutage(grammy)).toBe(true);
    expect(isOutage(Object.assign(new Error("timeout"), { name: "TimeoutError" }))).toBe(true);
    expect(isOutage(Object.assign(new Error("Can't reach database"), { code: "P1001" }))).toBe(
      true,
    );
    const wrapped = Object.assign(new Error("download failed"), { original: refused });
    expect(isOutage(wrapped)).toBe(true);
  });

  it("not when the platform answered, or the handler failed on its own", () => {
    expect(isOutage(new Error("503 busy"))).toBe(false);
    expect(isOutage(new PermanentInboundError("404 Not Found"))).toBe(false);
    expect(isOutage(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isOutage("a string")).toBe(false);
  });
});
