// Irrigation notes: each code gives the same English sentence the plane wrote before codes, so
// logs, the history in InfluxDB and older pages read as they did.
import { expect, it } from 'vitest';
import { Note, noteText } from '../../controller/irrigation/notes.js';

it('writes every note as before, and every note parses back from its JSON', () => {
  const cases: [Note, string][] = [
    [{ code: 'paused', by: 'user:an' }, 'paused by user:an'],
    [{ code: 'cancelled', by: 'user:an' }, 'cancelled by user:an'],
    [{ code: 'stopped', by: 'token:t1' }, 'stopped by token:t1'],
    [{ code: 'after-pause', run: 'r1' }, 'rest of run r1 after pause'],
    [{ code: 'overdue' }, 'closed by the plane after its time'],
    [{ code: 'no-valve' }, 'the zone has no valve'],
    [{ code: 'command-failed', device: 'valve-01', status: 'rejected', reason: 'busy' }, 'valve-01: rejected (busy)'],
    [{ code: 'command-failed', device: 'valve-01', status: 'timeout' }, 'valve-01: timeout'],
    [{ code: 'error', message: 'boom' }, 'boom'],
    [{ code: 'soil-reached', pct: 36, targetPct: 35 }, 'soil reached 36.0 % (target 35 %)'],
    [{ code: 'capped', maxS: 600 }, "capped at the zone's maximum 600 s"],
    [{ code: 'dry', pct: 21.04, belowPct: 25, forS: 300 }, 'soil 21.0 % below 25 % for 300 s'],
    [{ code: 'missed', at: Date.UTC(2026, 0, 2, 3, 4) }, 'missed: the controller was not running at 2026-01-02T03:04:00.000Z'],
    [{ code: 'rain-delay', until: Date.UTC(2026, 0, 2) }, 'rain delay until 2026-01-02T00:00:00.000Z'],
    [{ code: 'rain', mm: 12, maxMm: 5 }, 'rain 12.0 mm in the last 24 h > 5 mm'],
    [{ code: 'by-sensor', zone: 'nha-mang-1' }, 'step nha-mang-1: watered by its soil sensors'],
    [{ code: 'no-step' }, 'no step to run'],
    [{ code: 'et0', mm: 4.56 }, 'ET0 4.6 mm/day'],
    [{ code: 'no-weather' }, 'no weather data: water level unadjusted'],
  ];
  for (const [n, text] of cases) {
    expect(noteText(n)).toBe(text);
    expect(Note.parse(JSON.parse(JSON.stringify(n)))).toEqual(n);
  }
  // Every code is covered above.
  expect(new Set(cases.map(([n]) => n.code)).size).toBe(Note.options.length);
});
