// The bulletin lists: drafts (and rejected ones back to their author), pending approval, the
// approved queue, and what is on air with its per-cluster deliveries and reach.
import { signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { Msg } from '../../components/Msg.js';
import { fmtDuration, fmtTime } from '../../lib/format.js';
import { isKey, t } from '../../lib/i18n.js';
import { audioUrl, radioApi, type Bulletin, type Delivery, type Level, type Status } from './api.js';
import { bulletins, busy, isMine, isOfficial, itemErrors, mayApprove, mayCancel, sectionMsgs, setBusy, setItemError, setSectionMsg, slots, slotsSoon, upsert, type Section } from './store.js';
import { apiError, historyLine, okMsg, reachedAll, reachText, reasonText, slotName, whoText, zonesText } from './words.js';

/** Aired bulletins shown under "on air" besides those airing now. */
const RECENT_AIRED = 6;

/** Reject notes being typed, by bulletin id (open reject forms). */
const rejecting = signal<ReadonlyMap<string, string>>(new Map());
function setRejecting(id: string, note: string | undefined): void {
  const next = new Map(rejecting.value);
  if (note === undefined) next.delete(id);
  else next.set(id, note);
  rejecting.value = next;
}

const byNewest = (a: Bulletin, b: Bulletin): number => b.createdAt.localeCompare(a.createdAt);
const of = (...s: Status[]): Bulletin[] => [...bulletins.value.values()].filter((b) => s.includes(b.status));
const lastEntry = (b: Bulletin, action: string) => [...b.history].reverse().find((e) => e.action === action);

export function LevelBadge({ level }: { level: Level | string }) {
  return (
    <span class={`badge level level-${level}`} data-level={level}>
      {t(`radio.level.${level as Level}`)}
    </span>
  );
}

function StatusBadge({ status }: { status: Status }) {
  return (
    <span class={`badge status status-${status}`} data-status={status}>
      {t(`radio.s.${status}`)}
    </span>
  );
}

function ItemHead({ b, children }: { b: Bulletin; children?: ComponentChildren }) {
  return (
    <div class="item-head">
      <h3 class="item-title">{b.title}</h3>
      <div class="chips">
        <LevelBadge level={b.level} />
        {children}
      </div>
    </div>
  );
}

/** Parts of a meta line joined by " · ", the empty ones left out. */
function Meta({ parts }: { parts: ComponentChildren[] }) {
  const shown = parts.filter((p) => p !== null && p !== undefined && p !== false && p !== '');
  return <p class="item-meta">{shown.flatMap((p, i) => (i ? [' · ', p] : [p]))}</p>;
}

/** How it plays, when not the plain default: "phát 2 lần, âm lượng 40 %". */
function playText(b: Bulletin): string | null {
  const parts = [b.repeat > 1 ? t('radio.repeatTimes', { n: b.repeat }) : null, b.volumePct !== undefined ? t('radio.volumeAt', { pct: b.volumePct }) : null].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

const ItemError = ({ id }: { id: string }) => <Msg msg={itemErrors.value.get(id)} testid="item-error" />;

function History({ b }: { b: Bulletin }) {
  return (
    <details class="recent item-history">
      <summary>{t('radio.history')}</summary>
      <ol class="history">
        {b.history.map((e, i) => {
          const l = historyLine(b, e);
          const role = `radio.roleShort.${e.role}`;
          const text = t('radio.histLine', { who: whoText(e.by), role: isKey(role) ? t(role) : e.role, action: l.action }) + (l.note ? `: ${l.note}` : '');
          return (
            <li key={i} class="hist" data-action={e.action}>
              <time dateTime={e.at}>{fmtTime(e.at)}</time>
              <span>{text}</span>
            </li>
          );
        })}
      </ol>
    </details>
  );
}

type Step = 'submit' | 'approve' | 'reject' | 'cancel';
const DONE: Record<Step, 'radio.submitted' | 'radio.approved' | 'radio.rejected' | 'radio.cancelled'> = {
  submit: 'radio.submitted',
  approve: 'radio.approved',
  reject: 'radio.rejected',
  cancel: 'radio.cancelled',
};

/** A bulletin step as the signed-in user; its error shows in the bulletin's card, its success in the section. */
async function act(b: Bulletin, step: Step, section: Section, note?: string): Promise<void> {
  if (busy.value.has(b.id)) return;
  setBusy(b.id, true);
  setItemError(b.id, undefined);
  try {
    const done = await radioApi.step(b.id, step, note ? { note } : {});
    upsert(done);
    setRejecting(b.id, undefined);
    const title = done.title;
    setSectionMsg(section, okMsg(() => t(DONE[step], { title })));
  } catch (err) {
    setItemError(b.id, apiError(err));
  } finally {
    setBusy(b.id, false);
    slotsSoon();
  }
}

function Btn({ b, label, cls, testid, onClick }: { b: Bulletin; label: string; cls: string; testid: string; onClick: () => void }) {
  const on = busy.value.has(b.id);
  return (
    <button type="button" class={`btn ${cls}`} data-testid={testid} disabled={on} aria-busy={on} onClick={onClick}>
      {label}
    </button>
  );
}

function CancelButton({ b, section }: { b: Bulletin; section: Section }) {
  return (
    <Btn
      b={b}
      label={t('radio.cancel')}
      cls="btn-danger btn-small"
      testid="cancel"
      onClick={() => {
        if (window.confirm(t('radio.confirmCancel', { title: b.title }))) void act(b, 'cancel', section);
      }}
    />
  );
}

function Empty({ text }: { text: string }) {
  return <li class="empty">{text}</li>;
}

// ---------------------------------------------------------------- drafts

function DraftItem({ b, onEdit }: { b: Bulletin; onEdit: (b: Bulletin) => void }) {
  const rejected = b.status === 'rejected' ? lastEntry(b, 'rejected') : undefined;
  return (
    <li class={`bulletin level-${b.level}`} data-bulletin-id={b.id} data-status={b.status} data-testid="draft-item">
      <ItemHead b={b}>
        <StatusBadge status={b.status} />
      </ItemHead>
      <Meta parts={[zonesText(b.zones), t('radio.author', { who: b.createdBy }), fmtTime(b.createdAt)]} />
      {rejected ? <p class="note stale">{t('radio.rejectedBy', { who: rejected.by, note: rejected.note || t('radio.noNote') })}</p> : null}
      <div class="btn-row item-actions">
        <Btn b={b} label={t('radio.edit')} cls="btn-light btn-small" testid="edit" onClick={() => onEdit(b)} />
        <Btn b={b} label={t('radio.submit')} cls="btn-small" testid="submit" onClick={() => void act(b, 'submit', 'drafts')} />
        {mayCancel(b) ? <CancelButton b={b} section="drafts" /> : null}
      </div>
      <ItemError id={b.id} />
    </li>
  );
}

const draftsOpen = signal(true);

export function Drafts({ onEdit }: { onEdit: (b: Bulletin) => void }) {
  const drafts = of('draft', 'rejected').sort(byNewest);
  const msg = sectionMsgs.value.get('drafts');
  if (!drafts.length && !msg) {
    // Open again when drafts appear (a rejected one comes back to its author); the reader may close it.
    draftsOpen.value = true;
    return null;
  }
  return (
    <details id="drafts" class="recent drafts" data-testid="drafts" open={draftsOpen.value} onToggle={(e) => (draftsOpen.value = e.currentTarget.open)}>
      <summary id="drafts-h">{`${t('radio.drafts')} (${drafts.length})`}</summary>
      <Msg msg={msg} testid="drafts-msg" id="drafts-msg" />
      <ul id="draft-list" class="bulletins">
        {drafts.map((b) => (
          <DraftItem key={b.id} b={b} onEdit={onEdit} />
        ))}
      </ul>
    </details>
  );
}

// ---------------------------------------------------------------- pending

function Content({ b }: { b: Bulletin }) {
  return (
    <>
      {b.content.kind === 'text' ? (
        <blockquote class="item-text" data-testid="item-text">
          {b.content.text}
        </blockquote>
      ) : null}
      {b.audio.file ? (
        <div class="item-audio">
          <audio key={b.audio.file} controls preload="metadata" src={audioUrl(b.audio.file)} data-testid="item-audio" />
          <span class="audio-facts">{t('radio.duration', { d: fmtDuration(b.audio.durationS) })}</span>
        </div>
      ) : null}
    </>
  );
}

function PendingItem({ b }: { b: Bulletin }) {
  const submitted = lastEntry(b, 'submitted');
  const note = rejecting.value.get(b.id);
  const approver = mayApprove(b);
  return (
    <li class={`bulletin level-${b.level}`} data-bulletin-id={b.id} data-status={b.status} data-testid="pending-item">
      <ItemHead b={b} />
      <Meta
        parts={[
          <span data-testid="item-zones">{zonesText(b.zones)}</span>,
          <span data-testid="item-author">{t('radio.author', { who: b.createdBy })}</span>,
          submitted ? t('radio.submittedAt', { time: fmtTime(submitted.at) }) : null,
          b.schedule?.slot ? t('radio.queue.slot', { name: slotName(b.schedule.slot) }) : null,
          b.expiresAt ? t('radio.queue.expires', { time: fmtTime(b.expiresAt) }) : null,
          playText(b),
        ]}
      />
      <Content b={b} />
      {isOfficial() && isMine(b) ? (
        <p class="note" data-testid="own-bulletin">
          {t('radio.ownBulletin')}
        </p>
      ) : null}
      {approver && note !== undefined ? (
        <div class="field reject-note">
          <label for={`reject-${b.id}`}>{t('radio.rejectNote')}</label>
          <textarea id={`reject-${b.id}`} rows={2} maxLength={500} data-testid="reject-note" value={note} onInput={(e) => setRejecting(b.id, e.currentTarget.value)} />
        </div>
      ) : null}
      <div class="btn-row item-actions">
        {approver && note !== undefined ? (
          <>
            <Btn b={b} label={t('radio.rejectConfirm')} cls="btn-danger" testid="reject-confirm" onClick={() => void act(b, 'reject', 'pending', note.trim())} />
            <Btn b={b} label={t('radio.back')} cls="btn-light" testid="reject-back" onClick={() => setRejecting(b.id, undefined)} />
          </>
        ) : null}
        {approver && note === undefined ? (
          <>
            <Btn b={b} label={t('radio.approve')} cls="" testid="approve" onClick={() => void act(b, 'approve', 'pending')} />
            <Btn
              b={b}
              label={t('radio.reject')}
              cls="btn-danger"
              testid="reject"
              onClick={() => {
                setRejecting(b.id, '');
                queueMicrotask(() => document.getElementById(`reject-${b.id}`)?.focus());
              }}
            />
          </>
        ) : null}
        {mayCancel(b) && note === undefined ? <CancelButton b={b} section="pending" /> : null}
      </div>
      <ItemError id={b.id} />
    </li>
  );
}

export function Pending() {
  const pending = of('pending').sort((a, b) => -byNewest(a, b));
  return (
    <section id="pending" class="panel" data-testid="pending" aria-labelledby="pending-h">
      <h2 id="pending-h">{t('radio.pending')}</h2>
      {isOfficial() ? null : (
        <p id="pending-role" class="note" data-testid="pending-role">
          {t('radio.onlyOfficial')}
        </p>
      )}
      <Msg msg={sectionMsgs.value.get('pending')} testid="pending-msg" id="pending-msg" />
      <ul id="pending-list" class="bulletins" data-testid="pending-list" aria-live="polite">
        {pending.length ? pending.map((b) => <PendingItem key={b.id} b={b} />) : <Empty text={t('radio.noPending')} />}
      </ul>
    </section>
  );
}

// ---------------------------------------------------------------- queue

function QueueItem({ b }: { b: Bulletin }) {
  const approved = lastEntry(b, 'approved');
  return (
    <li class={`bulletin level-${b.level}`} data-bulletin-id={b.id} data-status={b.status} data-testid="queue-item">
      <ItemHead b={b} />
      <Meta
        parts={[
          zonesText(b.zones),
          t('radio.queue.slot', { name: b.schedule?.slot ? slotName(b.schedule.slot) : t('radio.slot.any') }),
          b.schedule?.notBefore ? t('radio.queue.notBefore', { time: fmtTime(b.schedule.notBefore) }) : null,
          b.expiresAt ? t('radio.queue.expires', { time: fmtTime(b.expiresAt) }) : null,
          approved ? t('radio.approvedBy', { who: approved.by, time: fmtTime(approved.at) }) : null,
          playText(b),
        ]}
      />
      {mayCancel(b) ? (
        <div class="btn-row item-actions">
          <CancelButton b={b} section="queue" />
        </div>
      ) : null}
      <ItemError id={b.id} />
    </li>
  );
}

export function Queue() {
  void slots.value; // slot names in the items
  // Priority first, then in approval order: the order a slot plays them.
  const rank = (b: Bulletin) => (b.level === 'priority' ? 0 : 1);
  const queue = of('approved')
    .filter((b) => b.level !== 'emergency')
    .sort((a, b) => rank(a) - rank(b) || (a.approvedAt ?? '').localeCompare(b.approvedAt ?? ''));
  return (
    <>
      <h3 class="sub">{t('radio.queue')}</h3>
      <Msg msg={sectionMsgs.value.get('queue')} testid="queue-msg" id="queue-msg" />
      <ol id="queue-list" class="bulletins" data-testid="queue">
        {queue.length ? queue.map((b) => <QueueItem key={b.id} b={b} />) : <Empty text={t('radio.queueEmpty')} />}
      </ol>
    </>
  );
}

// ---------------------------------------------------------------- on air

function deliveryTimes(d: Delivery): string {
  const s = { seconds: true };
  return [
    d.sentAt ? t('radio.t.sent', { time: fmtTime(d.sentAt, s) }) : null,
    d.ackedAt ? t('radio.t.acked', { time: fmtTime(d.ackedAt, s) }) : null,
    d.startedAt ? t('radio.t.started', { time: fmtTime(d.startedAt, s) }) : null,
    d.endedAt ? t('radio.t.ended', { time: fmtTime(d.endedAt, s) }) : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

function DeliveryRow({ b, d }: { b: Bulletin; d: Delivery }) {
  // A repeat's "2 of 3" is said by the plays count below, not as a reason.
  const reason = d.reasonCode === 'repeat' ? '' : reasonText(d);
  return (
    <tr data-device={d.device} data-status={d.status} data-testid="delivery">
      <th scope="row">
        <span class="cl-name">{d.name}</span>
        <small class="cl-hamlet">{d.hamletName}</small>
      </th>
      <td>
        <span class={`chip d-chip d-${d.status}`} data-testid="delivery-status">
          {t(`radio.d.${d.status}`)}
        </span>
        {reason ? <small class="d-reason">{reason}</small> : null}
        {b.repeat > 1 ? (
          <small class="d-reason" data-testid="delivery-plays">
            {t('radio.playsOf', { n: d.plays, of: b.repeat })}
          </small>
        ) : null}
      </td>
      <td class="d-times">
        {deliveryTimes(d)}
        {d.attempts > 1 ? <small class="d-reason">{t('radio.attempts', { n: d.attempts })}</small> : null}
      </td>
    </tr>
  );
}

function LiveItem({ b }: { b: Bulletin }) {
  return (
    <li class={`bulletin live-item level-${b.level}`} data-bulletin-id={b.id} data-status={b.status} data-testid="live-item">
      <ItemHead b={b}>
        <StatusBadge status={b.status} />
      </ItemHead>
      <Meta parts={[zonesText(b.zones), b.airedAt ? t('radio.airedAt', { time: fmtTime(b.airedAt) }) : null]} />
      <p class={`reach ${reachedAll(b) ? 'reach-ok' : 'reach-partial'}`} data-testid="reach">
        {reachText(b)}
      </p>
      <div class="table-wrap">
        <table class="data-table deliveries">
          <thead>
            <tr>
              <th scope="col">{t('radio.col.cluster')}</th>
              <th scope="col">{t('radio.col.status')}</th>
              <th scope="col">{t('radio.col.times')}</th>
            </tr>
          </thead>
          <tbody>
            {b.deliveries.map((d) => (
              <DeliveryRow key={d.device} b={b} d={d} />
            ))}
          </tbody>
        </table>
      </div>
      {b.status === 'airing' && mayCancel(b) ? (
        <div class="btn-row item-actions">
          <CancelButton b={b} section="live" />
        </div>
      ) : null}
      <ItemError id={b.id} />
      <History b={b} />
    </li>
  );
}

export function Live() {
  const all = [...bulletins.value.values()];
  const aired = (b: Bulletin) => b.airedAt ?? b.createdAt;
  const airing = all.filter((b) => b.status === 'airing').sort((a, b) => aired(b).localeCompare(aired(a)));
  const recent = all
    .filter((b) => b.status !== 'airing' && b.airedAt && b.deliveries.length)
    .sort((a, b) => aired(b).localeCompare(aired(a)))
    .slice(0, RECENT_AIRED);
  const items = [...airing, ...recent];
  return (
    <section id="live" class="panel live-panel" data-testid="live" aria-labelledby="live-h">
      <h2 id="live-h">{t('radio.live')}</h2>
      <Msg msg={sectionMsgs.value.get('live')} testid="live-msg" id="live-msg" />
      <ul id="live-list" class="bulletins" data-testid="live-list">
        {items.length ? items.map((b) => <LiveItem key={b.id} b={b} />) : <Empty text={t('radio.liveEmpty')} />}
      </ul>
    </section>
  );
}

