// @vitest-environment happy-dom
// A demo's simulated months on the overview's tiles: drawn hollow (○) with a dashed line to them,
// and counted in words for screen readers; measured months drawn as before.
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/lib/i18n.js';
import type { Definition, Figure } from '../src/pages/overview/api.js';
import { Spark } from '../src/pages/overview/Spark.js';
import { Tile } from '../src/pages/overview/Tile.js';

const def: Definition = {
  id: 'plane-telemetry-completeness',
  name: { vi: 'Độ đầy đủ số liệu', en: 'Telemetry completeness' },
  definition: { vi: '', en: '' },
  numerator: { vi: '', en: '' },
  denominator: { vi: '', en: '' },
  unit: '%',
  period: 'month',
  scope: 'hamlet',
  target: { op: '>=', value: 95 },
};
const fig: Figure = { id: def.id, numerator: 97, denominator: 100, value: 97, met: true, hamlets: [], findings: [] };
// Twelve months: five never computed, six simulated, then the month under way (measured).
const trend = [null, null, null, null, null, 94, 95, 93, 96, 97, 96, 97];
const simulated = trend.map((_, i) => i >= 5 && i < 11);

afterEach(() => {
  cleanup();
  setLang('vi');
});

describe('simulated months on the overview', () => {
  it('draws each simulated month hollow and its line dashed, the measured month as a filled end point', () => {
    const { container } = render(<Spark values={trend} percent simulated={simulated} />);
    const svg = container.querySelector('svg')!;
    expect(svg.getAttribute('data-simulated')).toBe('6');
    expect(screen.getAllByTestId('ov-spark-sim')).toHaveLength(6);
    const lines = [...svg.querySelectorAll('polyline')];
    // One dashed run through the simulated months (and on to the measured one), no solid run.
    expect(lines.map((l) => l.getAttribute('class'))).toEqual(['ov-spark-sim']);
    expect(lines[0]!.getAttribute('points')!.split(' ')).toHaveLength(7);
    const end = svg.querySelector('.ov-spark-end')!;
    expect(end.getAttribute('class')).toBe('ov-spark-end');
  });

  it('draws measured months as before: no hollow point, solid lines', () => {
    const { container } = render(<Spark values={[90, 91, null, 93, 94]} percent />);
    expect(screen.queryAllByTestId('ov-spark-sim')).toHaveLength(0);
    expect([...container.querySelectorAll('polyline')].map((l) => l.getAttribute('class'))).toEqual([null, null]);
    expect(container.querySelector('svg')!.getAttribute('data-simulated')).toBe('0');
  });

  it('says how many of the trend’s months are simulated, in both languages; a simulated month itself marks the tile', () => {
    render(<Tile def={def} fig={fig} prev={96} trend={trend} simulated={simulated} open={false} onOpen={() => undefined} />);
    expect(screen.getByTestId('ov-trend-words').textContent).toBe('Xu hướng 12 tháng: 6 trong 7 tháng là số liệu mô phỏng');
    expect(screen.getByTestId('ov-tile').getAttribute('data-simulated')).toBeNull();
    cleanup();
    setLang('en');
    render(<Tile def={def} fig={fig} prev={96} trend={trend} simulated={trend.map((_, i) => i >= 5)} open={false} onOpen={() => undefined} />);
    expect(screen.getByTestId('ov-trend-words').textContent).toBe('12-month trend: 7 of 7 months simulated');
    expect(screen.getByTestId('ov-tile').getAttribute('data-simulated')).toBe('true');
    expect(screen.getByTestId('ov-spark').querySelector('.ov-spark-end')!.getAttribute('class')).toBe('ov-spark-end ov-spark-sim');
  });

  it('has no note at all for a tile whose months were all measured', () => {
    render(<Tile def={def} fig={fig} prev={96} trend={trend} open={false} onOpen={() => undefined} />);
    expect(screen.getByTestId('ov-trend-words').textContent).toBe('Xu hướng 12 tháng');
  });
});
