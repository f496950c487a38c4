import { CONSOLE_CAPABILITIES } from "../../core/capabilities.ts";
import type { OutboundMessage } from "../../core/outbound.ts";
import type { SendTarget, Transport } from "../../core/transport.ts";
import { CONSOLE_LIMITS, CONSOLE_PLATFORM } from "./source.ts";

export interface ConsoleDelivery {
  target: SendTarget;
  message: OutboundMessage;
}

/**
 * Announcements and reminders to console chats: printed with their recipient (and
 * kept, so tests can read what each person received).
 */
export class ConsoleTransport implements Transport {
  readonly platform = CONSOLE_PLATFORM;
  readonly capabilities = CONSOLE_CAPABILITIES;
  readonly limits = CONSOLE_LIMITS;
  readonly delivered: ConsoleDelivery[] = [];
  #next = 0;

  constructor(private readonly print?: (line: string) => void) {}

  async send(target: SendTarget, message: OutboundMessage): Promise<{ messageId: string }> {
    this.delivered.push({ target, message });
    this.print?.(`  📨 → ${target.platformChatId}: ${message.text.replace(/\n/g, "\n    ")}`);
    return { messageId: String(++this.#next) };
  }

  /** What one console chat received, oldest first. */
  receivedBy(platformChatId: string): string[] {
    return this.delivered
      .filter((d) => d.target.platformChatId === platformChatId)
      .map((d) => d.message.text);
  }
}
