// One indicator's tile: the month's figure with its unit, whether it meets its target, the change
// on last month and the twelve months' trend (simulated months hollow, and counted in words). A
// button: it opens the details below the tiles.
import { pick, t } from '../../lib/i18n.js';
import type { Definition, Figure } from './api.js';
import { Spark } from './Spark.js';
import { changeDirection, changeWords, targetState, targetWords, valueText } from './words.js';

export interface TileProps {
  def: Definition;
  fig: Figure;
  /** Last month's figure: undefined when it has none. */
  prev: number | null | undefined;
  trend: (number | null)[];
  /** Which of the trend's months are simulated (a demo's seeded history), by position. */
  simulated?: boolean[];
  open: boolean;
  onOpen: () => void;
}

export function Tile({ def, fig, prev, trend, simulated = [], open, onOpen }: TileProps) {
  const state = targetState(fig.met);
  const nSim = trend.filter((v, i) => v !== null && simulated[i]).length;
  const delta = fig.value !== null && prev !== null && prev !== undefined ? fig.value - prev : 0;
  return (
    <button
      type="button"
      class="ov-tile"
      data-testid="ov-tile"
      data-indicator={def.id}
      data-state={state}
      data-simulated={simulated.at(-1) ? 'true' : undefined}
      aria-expanded={open}
      aria-controls={open ? 'ov-details' : undefined}
      onClick={onOpen}
    >
      <span class="ov-name">{pick(def.name)}</span>
      <span class="ov-value" data-testid="ov-value">
        {valueText(def, fig.value)}
      </span>
      <span class="ov-target" data-testid="ov-target" data-state={state}>
        {targetWords(def, fig.met)}
      </span>
      <span class="ov-change" data-testid="ov-change" data-dir={changeDirection(def, delta)}>
        {changeWords(def, fig.value, prev)}
      </span>
      <span class="ov-trend">
        <span class="sr" data-testid="ov-trend-words">
          {t('ov.trend')}
          {nSim > 0 ? `: ${t('ov.trendSimulated', { count: nSim, total: trend.filter((v) => v !== null).length })}` : ''}
        </span>
        <Spark values={trend} percent={def.unit === '%'} simulated={simulated} />
      </span>
      <span class="ov-more">{t('ov.open')}</span>
    </button>
  );
}
