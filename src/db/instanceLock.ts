import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export class InstanceLockError extends Error {
  override name = "InstanceLockError";
}

interface Holder {
  pid: number;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One bot process per SQLite file: a second one would poll the same bot (Telegram
 * answers 409) and send every announcement twice. The lock is a file beside the
 * database naming the holder; a holder that died (kill -9) is recognised and replaced.
 * The admin CLI and db:migrate do not take it: they work beside a running bot.
 */
export function acquireInstanceLock(databaseFile: string): { release(): void } {
  const path = `${databaseFile}.bot-lock`;
  const mine: Holder = { pid: process.pid, since: new Date().toISOString() };
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, JSON.stringify(mine));
      closeSync(fd);
      return {
        release: () => {
          try {
            const holder = JSON.parse(readFileSync(path, "utf8")) as Holder;
            if (holder.pid === process.pid) unlinkSync(path);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder: Holder | null = null;
      try {
        holder = JSON.parse(readFileSync(path, "utf8")) as Holder;
      } catch {
        holder = null;
      }
      if (holder && holder.pid !== process.pid && alive(holder.pid)) {
        throw new InstanceLockError(
          `another thidua-bot is running on ${databaseFile} (pid ${holder.pid}, since ${holder.since}): stop it first; several instances need PostgreSQL`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new InstanceLockError(`could not take ${path}`);
}
