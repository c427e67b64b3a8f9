// A month picker, labelled: the overview's, the monthly report's (month and the one beside it) and
// the province's. Months as YYYY-MM, shown in the reader's words ("tháng 11 năm 2026").
import { monthLabel } from '../pages/overview/words.js';

export function MonthSelect(p: { class: string; testid: string; label: string; months: readonly string[]; value: string; onChange: (month: string) => void }) {
  return (
    <label class={p.class}>
      <span>{p.label}</span>
      <select data-testid={p.testid} value={p.value} onChange={(e) => p.onChange(e.currentTarget.value)}>
        {p.months.map((m) => (
          <option key={m} value={m}>
            {monthLabel(m)}
          </option>
        ))}
      </select>
    </label>
  );
}
