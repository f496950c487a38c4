/** What an operator's command answers: a value for --json and a text for people. */
export class AdminError extends Error {
  override name = "AdminError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface AdminResult {
  json: unknown;
  text: string;
}
