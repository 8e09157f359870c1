import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The day every test server's clock starts on (it runs on from there):
 * which policy version is current depends on the day, and the suite's is
 * fixed (V聊's 2026-12-15 announced, not in force), whatever the real date.
 * The suite server (playwright.config.ts) and each server of a test's own
 * (`Server.start`, unless the test names another start) use it.
 */
export const SUITE_CLOCK_START = '2026-12-01T00:00:00Z';

/**
 * The server's dev clock (`POST /api/dev/clock`) is one for every test of a
 * run, and both projects run at once. A test that moves it, or that needs
 * "now" to stay put for a while (a lock that must still hold), runs that
 * part inside this lock, so another test's jump cannot land in between.
 * The lock is a directory in the run's fresh data directory.
 */
export async function holdingClock<T>(fn: () => Promise<T>): Promise<T> {
  const dir = path.join(process.env.E2E_DATA_DIR ?? '.', 'clock.lock');
  for (;;) {
    try {
      fs.mkdirSync(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmdirSync(dir);
  }
}
