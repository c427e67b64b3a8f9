// Up, down and remove buttons for item i of an ordered list in a form (a calendar's rules).
import { t } from '../../lib/i18n.js';

export interface RowToolsProps {
  i: number;
  count: number;
  /** The fewest items the list may keep. */
  min: number;
  labels: { up: string; down: string; remove: string };
  move: (from: number, to: number) => void;
  remove: (i: number) => void;
}

export function RowTools({ i, count, min, labels, move, remove }: RowToolsProps) {
  return (
    <div class="step-tools">
      <button type="button" class="btn btn-light btn-small" aria-label={labels.up} title={labels.up} disabled={i === 0} onClick={() => move(i, i - 1)}>
        ↑
      </button>
      <button type="button" class="btn btn-light btn-small" aria-label={labels.down} title={labels.down} disabled={i === count - 1} onClick={() => move(i, i + 1)}>
        ↓
      </button>
      <button type="button" class="btn btn-light btn-small" aria-label={labels.remove} disabled={count <= min} onClick={() => remove(i)}>
        {t('lit.form.remove')}
      </button>
    </div>
  );
}

/** The list with item `from` swapped with item `to`. */
export function swapped<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [a, b] = [out[from], out[to]];
  if (a === undefined || b === undefined) return out;
  out[from] = b;
  out[to] = a;
  return out;
}
