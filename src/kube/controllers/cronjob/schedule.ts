import { CronExpressionParser } from "cron-parser";

/** robfig/cron's descriptors that Kubernetes accepts, as 5-field expressions. */
const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

export class ScheduleError extends Error {}

/** A CronJob's schedule in its time zone: the next run after a time. */
export interface Schedule {
  next(after: number): number;
  /** The times in (after, until]: how many (up to `limit`) and the last one. */
  between(after: number, until: number, limit: number): { count: number; last?: number };
}

/**
 * Parses a standard 5-field cron expression (or a descriptor such as @hourly) the way
 * kube-controller-manager's cron library accepts it, in `timeZone` (IANA name) or UTC.
 * @throws ScheduleError with a message naming what is wrong.
 */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  const text = schedule.trim();
  const expression = DESCRIPTORS[text] ?? text;
  if (!expression.startsWith("@")) {
    const fields = expression.split(/\s+/).filter(Boolean);
    if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  } else {
    throw new ScheduleError(`unrecognized descriptor: ${text}`);
  }
  const tz = timeZone ?? "UTC";
  try {
    // Validates the expression once, up front.
    CronExpressionParser.parse(expression, { currentDate: new Date(0), tz, strict: false }).next();
  } catch (error) {
    throw new ScheduleError((error as Error).message);
  }
  return {
    next(after: number): number {
      return CronExpressionParser.parse(expression, { currentDate: new Date(after), tz }).next().toDate().getTime();
    },
    between(after: number, until: number, limit: number) {
      const iterator = CronExpressionParser.parse(expression, { currentDate: new Date(after), tz });
      let count = 0;
      let last: number | undefined;
      while (count < limit) {
        const t = iterator.next().toDate().getTime();
        if (t > until) break;
        last = t;
        count++;
      }
      return { count, last };
    },
  };
}

/** Whether the runtime knows an IANA time zone (as Go's time.LoadLocation would). */
export function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
