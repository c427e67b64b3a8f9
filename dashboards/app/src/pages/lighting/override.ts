// Sending an override (a level, or null to go back to the program) for a group or one light.
import { refusal } from '../../components/Msg.js';
import { serverNow } from '../../lib/http.js';
import { fmtTime } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { lightingApi } from './api.js';
import type { Note } from './note.js';
import { groupName, lightName } from './store.js';
import { pathLabel, pct } from './words.js';

export type Target = { group: string } | { device: string };

/** The level typed as a number, or undefined when nothing (or not a number) was typed. */
export function typedLevel(raw: string): number | undefined {
  const s = raw.trim();
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

/** Sends it and says what was sent (or why it was refused) in `note`; the lights' reports follow. */
export async function sendOverride(target: Target, level: number | null, until: number | undefined, note: Note): Promise<void> {
  const name = 'group' in target ? groupName(target.group) : lightName(target.device);
  try {
    await lightingApi.override({ ...target, level, ...(until !== undefined && { untilIso: new Date(until).toISOString() }) });
    const title =
      level === null
        ? () => t('lit.sentResume', { target: name })
        : until !== undefined
          ? () => t('lit.sentUntil', { target: name, level: pct(level), time: fmtTime(until) })
          : () => t('lit.sent', { target: name, level: pct(level) });
    note.set(() => ({ kind: 'ok', title: title(), lines: [t('lit.sentNote')] }), true);
  } catch (err) {
    note.set(refusal(err, { label: pathLabel }));
  }
}

export const hoursFromNow = (h: number): number => serverNow() + h * 3600_000;
