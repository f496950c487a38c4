/**
 * Splits "/join ABCD-EFGH" into a command and its arguments. Telegram appends the
 * bot's username in groups ("/help@thidua_bot"): a suffix naming another bot means
 * the command is not for us.
 */
export function parseCommand(
  text: string,
  botUsername?: string,
): { command: string; args: string } | null | "other-bot" {
  // Letters with diacritics too: "/báocáo" is typed on Vietnamese keyboards.
  const match = /^\/([\p{L}\p{M}0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/u.exec(
    text.trim().normalize("NFC"),
  );
  if (!match) return null;
  const [, command = "", mention, args = ""] = match;
  if (mention && botUsername && mention.toLowerCase() !== botUsername.toLowerCase()) {
    return "other-bot";
  }
  return { command: command.toLowerCase(), args: args.trim() };
}
