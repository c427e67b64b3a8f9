// Under a chart: zoom back out, and download what is shown as CSV.
import { t } from '../lib/i18n.js';

export function ChartActions({ enabled, onReset, onCsv }: { enabled: boolean; onReset: () => void; onCsv: () => void }) {
  return (
    <div class="actions">
      <button type="button" class="btn btn-light" data-testid="reset-zoom" onClick={onReset} disabled={!enabled}>
        {t('hist.resetZoom')}
      </button>
      <button type="button" class="btn btn-light" data-testid="history-csv" disabled={!enabled} onClick={onCsv}>
        {t('hist.csv')}
      </button>
    </div>
  );
}
