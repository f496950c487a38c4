import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/*
 * Fetching a URL a platform handed us (a Zalo photo): https only, never an address
 * inside our own network (loopback, private, link-local, the cloud metadata address),
 * with redirects checked the same way, a size cap and a time cap. The one exception
 * is the configured API root's own host (a local mirror, or the tests' fake).
 */

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv6");
}

export class OutboundRefused extends Error {
  override name = "OutboundRefused";
}

/** The server answered, with an error status. */
export class OutboundStatus extends Error {
  override name = "OutboundStatus";
  constructor(readonly status: number) {
    super(`download failed: HTTP ${status}`);
  }

  /** A 4xx other than "too early / too many" says the URL will not work on a retry either. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && ![408, 425, 429].includes(this.status);
  }
}

function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, "ipv4");
  return PRIVATE.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/** Refuses a URL we must not fetch; `trustedHost` (host:port) is let through as it is. */
export async function checkOutboundUrl(raw: string, trustedHost?: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused("not a URL");
  }
  if (trustedHost && url.host === trustedHost) return url;
  if (url.protocol !== "https:") throw new OutboundRefused(`not https: ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw new OutboundRefused(`address inside the network: ${url.hostname}`);
  }
  return url;
}

/**
 * GETs a checked URL (and each redirect), reading at most `maxBytes + 1` bytes. The
 * size the server declared comes back too: past the cap, it is the only true size.
 */
export async function fetchOutbound(
  raw: string,
  options: { maxBytes: number; timeoutMs: number; trustedHost?: string; fetchImpl?: typeof fetch },
): Promise<{ bytes: Uint8Array; declaredSize?: number }> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let target = raw;
  for (let hop = 0; hop < 4; hop++) {
    const url = await checkOutboundUrl(target, options.trustedHost);
    const response = await (options.fetchImpl ?? fetch)(url, { redirect: "manual", signal });
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      target = new URL(location, url).href;
      continue;
    }
    if (!response.ok || !response.body) throw new OutboundStatus(response.status);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      size += chunk.length;
      // Past the cap, what was read stands for "too large": the evidence check refuses it.
      if (size > options.maxBytes) break;
    }
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    const bytes = Buffer.concat(chunks);
    return Number.isSafeInteger(declared) && declared > 0
      ? { bytes, declaredSize: declared }
      : { bytes };
  }
  throw new OutboundRefused("too many redirects");
}
