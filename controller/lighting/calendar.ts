// Which program a calendar puts in force for a night. A night is named by the local date of its
// evening; festival rules are tried in order before the default. Lunar dates use lunar-javascript
// (the Chinese calendar, UTC+8): it agrees with Vietnam's (UTC+7) except in rare years when a new
// moon falls between 23:00 and 24:00 Vietnam time.
import lunar from 'lunar-javascript';
import type { CalendarRule, LightCalendar } from './schema.js';

export interface LocalDay {
  year: number;
  month: number;
  day: number;
}

const md = (d: LocalDay) => `${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
const ymd = (d: LocalDay) => `${d.year}-${md(d)}`;

function shift(d: LocalDay, days: number): LocalDay {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export function ruleMatches(rule: CalendarRule, d: LocalDay): boolean {
  switch (rule.kind) {
    case 'weekdays': {
      const iso = ((new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7) + 1;
      return rule.days.includes(iso);
    }
    case 'dates': {
      if (rule.from.length === 10) return ymd(d) >= rule.from && ymd(d) <= (rule.to.length === 10 ? rule.to : `${d.year}-${rule.to}`);
      const x = md(d);
      const to = rule.to.slice(-5);
      return rule.from <= to ? x >= rule.from && x <= to : x >= rule.from || x <= to;
    }
    case 'lunar': {
      for (let k = 0; k < rule.days; k++) {
        const b = shift(d, -k);
        const l = lunar.Solar.fromYmd(b.year, b.month, b.day).getLunar();
        if (l.getMonth() === rule.month && l.getDay() === rule.day) return true;
      }
      return false;
    }
  }
}

/** The program id in force for the night of a local date. */
export function programForNight(cal: LightCalendar, night: LocalDay): string {
  return cal.rules.find((r) => ruleMatches(r, night))?.program ?? cal.default;
}
