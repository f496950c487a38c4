/**
 * Splits text into parts of at most `limit` characters, at line breaks where it
 * can, then at spaces, and only then inside a word.
 */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut =
      Math.max(window.lastIndexOf("\n"), 0) || Math.max(window.lastIndexOf(" "), 0) || limit;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  parts.push(rest);
  return parts.filter((p, i) => p.length > 0 || i === 0);
}
