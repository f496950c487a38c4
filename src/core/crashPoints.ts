/*
 * Named places where a test may kill the bot with SIGKILL, to prove that nothing
 * acknowledged is lost (TEST_CRASH_AT=<point> or <point>#<n> for the n-th time).
 * Unset, every call is a no-op.
 */
let armed: { point: string; hits: number } | null = null;
let seen = 0;

export function armCrashPoint(spec: string | undefined): void {
  if (!spec) return;
  const [point = "", n = "1"] = spec.split("#");
  armed = { point, hits: Number(n) || 1 };
  seen = 0;
}

export function crashPoint(point: string): void {
  if (!armed || armed.point !== point) return;
  if (++seen < armed.hits) return;
  process.stderr.write(`crash point ${point} reached: SIGKILL\n`);
  process.kill(process.pid, "SIGKILL");
}
