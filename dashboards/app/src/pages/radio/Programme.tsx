// The programme: its slots (with the next run and the bulletins queued for it), the slot editor
// for who may change them, then the approved queue.
import { signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { invalid, Msg, type MessageFn } from '../../components/Msg.js';
import { RelTime } from '../../components/Time.js';
import { fmtTime, slug } from '../../lib/format.js';
import { t, type Key } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { radioApi, type SlotBody, type SlotRow } from './api.js';
import { Queue } from './Lists.js';
import { busy, loadSlots, OK_SHOWN_MS, setBusy, slots } from './store.js';
import { apiError, daysText, okMsg } from './words.js';

const MAX_SLOTS = 24;
const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

interface Row {
  id: string;
  name: string;
  time: string;
  days: number[];
  windowMin: string;
  isNew: boolean;
  /** The id was typed, so the name no longer makes it. */
  idTyped?: boolean;
}

/** The slots being edited, as typed; undefined when the editor is closed. */
const editor = signal<Row[] | undefined>(undefined);
const editorError = signal<MessageFn | undefined>(undefined);
const savedMsg = signal<MessageFn | undefined>(undefined);

const focusSoon = (id: string) => queueMicrotask(() => document.getElementById(id)?.focus());

function open(): void {
  editor.value = slots.value.map((s) => ({ id: s.id, name: s.name, time: s.time, days: [...s.days], windowMin: String(s.windowMin), isNew: false }));
  editorError.value = undefined;
  focusSoon('slot-form-h');
}

function close(): void {
  editor.value = undefined;
  editorError.value = undefined;
}

function edit(i: number, change: Partial<Row>): void {
  const rows = editor.value;
  if (!rows) return;
  editor.value = rows.map((r, j) => (j === i ? { ...r, ...change } : r));
}

async function save(): Promise<void> {
  const rows = editor.value;
  if (!rows || busy.value.has('slots')) return;
  const body: SlotBody[] = rows.map((r) => {
    const w = r.windowMin.trim();
    // What was typed goes as typed when it is not a number: the server says what is wrong.
    return { id: r.id.trim(), name: r.name, time: r.time, days: r.days, ...(w !== '' && { windowMin: Number.isNaN(Number(w)) ? w : Number(w) }) };
  });
  setBusy('slots', true);
  let n: number;
  try {
    n = (await radioApi.putSlots(body)).length;
  } catch (err) {
    editorError.value = apiError(err);
    queueMicrotask(() => document.querySelector('[data-testid="slot-error"]')?.scrollIntoView({ block: 'nearest' }));
    return;
  } finally {
    setBusy('slots', false);
  }
  close();
  const msg = okMsg(() => t('radio.slot.saved', { n }));
  savedMsg.value = msg;
  setTimeout(() => {
    if (savedMsg.value === msg) savedMsg.value = undefined;
  }, OK_SHOWN_MS);
  await loadSlots().catch(() => undefined); // the next event or tick refetches
}


function SlotTr({ s }: { s: SlotRow }) {
  return (
    <tr data-slot-id={s.id} data-testid="slot">
      <th scope="row">
        <span>{s.name}</span>
        {s.lastRun ? <small class="cl-hamlet">{t('radio.slot.lastRun', { time: fmtTime(s.lastRun.at), outcome: t(`radio.slot.outcome.${s.lastRun.outcome}`) })}</small> : null}
      </th>
      <td class="num">{s.time}</td>
      <td>{daysText(s.days)}</td>
      <td data-testid="slot-next">
        {s.next ? <time dateTime={s.next}>{fmtTime(s.next)}</time> : '—'}
        {s.next ? (
          <small class="cl-hamlet">
            <RelTime at={s.next} />
          </small>
        ) : null}
      </td>
      <td class="num" data-testid="slot-queued" data-queued={s.queued}>
        {t('radio.slot.queuedN', { n: s.queued })}
      </td>
    </tr>
  );
}

function Field({ i, k, label, children }: { i: number; k: string; label: Key; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={`sf-${k}-${i}`}>{t(label)}</label>
      {children}
    </div>
  );
}

function EditorRow({ r, i }: { r: Row; i: number }) {
  const err = editorError.value;
  const attrs = (k: string) => ({ id: `sf-${k}-${i}`, 'data-path': `${i}.${k}`, 'data-testid': `slot-${k}-${i}`, 'aria-invalid': invalid(err, `${i}.${k}`) });
  return (
    <div class="row" data-testid="slot-row" data-path={String(i)}>
      <span class="step-n" aria-hidden="true">{`${i + 1}.`}</span>
      <Field i={i} k="name" label="radio.slot.name">
        <input
          {...attrs('name')}
          type="text"
          value={r.name}
          maxLength={80}
          size={14}
          onInput={(e) => {
            const name = e.currentTarget.value;
            edit(i, r.isNew && !r.idTyped ? { name, id: slug(name, 40) } : { name });
          }}
        />
      </Field>
      <Field i={i} k="id" label="radio.slot.id">
        <input {...attrs('id')} type="text" value={r.id} maxLength={63} size={10} readOnly={!r.isNew} spellcheck={false} onInput={(e) => edit(i, { id: e.currentTarget.value, idTyped: true })} />
      </Field>
      <Field i={i} k="time" label="radio.slot.time">
        <input {...attrs('time')} type="time" value={r.time} onInput={(e) => edit(i, { time: e.currentTarget.value })} />
      </Field>
      <Field i={i} k="windowMin" label="radio.slot.window">
        <input {...attrs('windowMin')} type="number" inputMode="numeric" min={5} max={720} step={1} value={r.windowMin} aria-describedby="sf-window-hint" onInput={(e) => edit(i, { windowMin: e.currentTarget.value })} />
      </Field>
      <fieldset class="days" data-path={`${i}.days`} aria-invalid={invalid(err, `${i}.days`)}>
        <legend>{t('radio.slot.days')}</legend>
        {DAYS.map((x) => (
          <span class="day" key={x}>
            <input
              id={`sf-day-${i}-${x}`}
              type="checkbox"
              value={x}
              data-testid={`slot-day-${i}-${x}`}
              checked={r.days.includes(x)}
              onChange={(e) => edit(i, { days: e.currentTarget.checked ? [...new Set([...r.days, x])].sort((a, b) => a - b) : r.days.filter((y) => y !== x) })}
            />
            <label for={`sf-day-${i}-${x}`} title={t(`irr.dayLong.${x}`)}>
              {t(`irr.day.${x}`)}
            </label>
          </span>
        ))}
      </fieldset>
      <div class="step-tools">
        <button
          type="button"
          class="btn btn-danger btn-small"
          aria-label={t('radio.slot.remove', { n: i + 1 })}
          data-testid={`slot-remove-${i}`}
          onClick={() => {
            editor.value = (editor.value ?? []).filter((_, j) => j !== i);
            focusSoon('sf-add');
          }}
        >
          ✕
        </button>
      </div>
    </div>
  );
}

function SlotEditor({ rows }: { rows: Row[] }) {
  const saving = busy.value.has('slots');
  return (
    <form
      class="program-form slot-form"
      noValidate
      data-testid="slot-form"
      aria-labelledby="slot-form-h"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 id="slot-form-h" tabIndex={-1}>
        {t('radio.slot.edit')}
      </h3>
      <fieldset class="fs plain">
        <div class="slot-rows">
          {rows.map((r, i) => (
            <EditorRow key={i} r={r} i={i} />
          ))}
        </div>
        <div class="btn-row">
          <button
            id="sf-add"
            type="button"
            class="btn btn-light btn-small"
            data-testid="slot-add"
            disabled={rows.length >= MAX_SLOTS}
            onClick={() => {
              editor.value = [...rows, { id: '', name: '', time: '', days: [...DAYS], windowMin: '60', isNew: true }];
              focusSoon(`sf-name-${rows.length}`);
            }}
          >
            {t('radio.slot.add')}
          </button>
        </div>
        <small id="sf-window-hint" class="hint">
          {t('radio.slot.windowHint')}
        </small>
      </fieldset>
      <Msg msg={editorError.value} testid="slot-error" />
      <div class="btn-row">
        <button type="submit" class="btn" data-testid="slot-save" disabled={saving} aria-busy={saving}>
          {t('radio.slot.save')}
        </button>
        <button type="button" class="btn btn-light" data-testid="slot-cancel" onClick={close}>
          {t('radio.slot.cancel')}
        </button>
      </div>
    </form>
  );
}

export function Programme() {
  const rows = can('radio.slots') ? editor.value : undefined;
  return (
    <section id="programme" class="panel" data-testid="programme" aria-labelledby="programme-h">
      <div class="panel-head">
        <h2 id="programme-h">{t('radio.programme')}</h2>
        {can('radio.slots') && !rows ? (
          <button id="slots-edit" type="button" class="btn btn-light btn-small" data-testid="slots-edit" onClick={open}>
            {t('radio.slot.edit')}
          </button>
        ) : null}
      </div>
      <h3 class="sub">{t('radio.slots')}</h3>
      <div class="table-wrap">
        <table class="data-table slots-table" data-testid="slots">
          <thead>
            <tr>
              <th scope="col">{t('radio.slot.name')}</th>
              <th scope="col">{t('radio.slot.time')}</th>
              <th scope="col">{t('radio.slot.days')}</th>
              <th scope="col">{t('radio.slot.next')}</th>
              <th scope="col">{t('radio.slot.queued')}</th>
            </tr>
          </thead>
          <tbody id="slot-rows">
            {slots.value.length ? (
              slots.value.map((s) => <SlotTr key={s.id} s={s} />)
            ) : (
              <tr>
                <td colSpan={5} class="empty">
                  {t('radio.slot.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Msg msg={savedMsg.value} testid="slots-msg" id="slots-msg" />
      <div id="slot-editor">{rows ? <SlotEditor rows={rows} /> : null}</div>
      <Queue />
    </section>
  );
}
