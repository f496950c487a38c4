import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { OutboundMessage } from "../../core/outbound.ts";
import { type ConsoleChat, renderReply } from "./adapter.ts";

/*
 * The terminal chat. Lines starting with ":" steer the console itself (who is
 * speaking, where, which file to send); everything else goes to the bot as that
 * person typed it. Works the same typed by hand or piped from a script.
 */

export const CONSOLE_HELP = `Console commands (not sent to the bot):
  :as <name>             speak as <name> (a new name is a new person)
  :group <name>          speak in the group chat <name>; :private to go back
  :photo <path>... [| caption]   send photos (several = an album)
  :file <path> [| caption]       send a file as a document
  :who                   who is speaking, and where
  \\n inside a line       a line break (e.g. several criteria in one answer)
  :help                  this list
  :quit                  stop`;

export interface ReplOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
  filesDir: string;
}

export async function runConsoleRepl(chat: ConsoleChat, options: ReplOptions): Promise<void> {
  const { output } = options;
  const write = (line: string) => output.write(`${line}\n`);
  const prompt = () =>
    `${chat.speaker.name}${chat.speaker.group ? `@${chat.speaker.group}` : ""}> `;
  const rl = createInterface({ input: options.input, terminal: false });

  const show = (replies: OutboundMessage[]) => {
    for (const reply of replies) {
      const body = renderReply(reply, options.filesDir).replace(/\n/g, "\n    ");
      write(`  🤖 ${body}`);
    }
  };

  if (options.interactive) output.write(prompt());
  for await (const raw of rl) {
    const line = raw.trim();
    if (!options.interactive && line) write(`${prompt()}${line}`);
    if (line === ":quit" || line === ":q") break;
    if (line) {
      try {
        await handleLine(chat, line, write, show);
      } catch (error) {
        write(`  ! ${(error as Error).message}`);
      }
    }
    if (options.interactive) output.write(prompt());
  }
  rl.close();
}

async function handleLine(
  chat: ConsoleChat,
  line: string,
  write: (line: string) => void,
  show: (replies: OutboundMessage[]) => void,
): Promise<void> {
  if (!line.startsWith(":")) {
    // A literal "\\n" stands for a line break, for answers of several lines.
    show(await chat.send(line.replace(/\\n/g, "\n")));
    return;
  }
  const [meta = "", ...rest] = line.slice(1).split(/\s+/);
  const argument = rest.join(" ");
  switch (meta) {
    case "as":
      if (!argument) throw new Error("usage: :as <name>");
      chat.as(argument.split(/\s+/)[0] ?? argument, chat.speaker.group);
      write(`  (now speaking as ${chat.speaker.name})`);
      return;
    case "group":
      if (!argument) throw new Error("usage: :group <name>");
      chat.as(chat.speaker.name, argument);
      write(`  (now in group ${argument})`);
      return;
    case "private":
      chat.as(chat.speaker.name, null);
      write("  (now in a private chat with the bot)");
      return;
    case "photo":
    case "file": {
      const [pathsPart = "", caption = ""] = argument.split("|").map((s) => s.trim());
      const paths = pathsPart.split(/\s+/).filter(Boolean);
      const missing = paths.find((p) => !existsSync(p));
      if (paths.length === 0 || missing)
        throw new Error(`no such file: ${missing ?? "(none given)"}`);
      show(await chat.sendFilePaths(paths, caption, meta === "photo" ? "photo" : "document"));
      return;
    }
    case "who":
      write(
        `  (${chat.speaker.name}${chat.speaker.group ? ` in group ${chat.speaker.group}` : ""})`,
      );
      return;
    case "help":
      write(CONSOLE_HELP);
      return;
    default:
      throw new Error(`unknown console command :${meta} (try :help)`);
  }
}

export function consoleFilesDir(dataDir: string): string {
  return join(dataDir, "console-files");
}
