// The radio page's state: what the API sent (zones, clusters, slots, bulletins by id), what is
// busy, and the messages each part shows. The stream's `radio` event carries a whole bulletin: it
// replaces ours by id, no refetch; a loudspeaker's `device` event refetches the clusters.
import { batch, signal } from '@preact/signals';
import type { MessageFn } from '../../components/Msg.js';
import { showLoadError, clearNotice } from '../../components/Shell.js';
import { can, me } from '../../lib/session.js';
import { radioApi, type Bulletin, type ClusterView, type SlotRow, type Status, type Zones } from './api.js';

/** Bulletins fetched at load, by status; of those done, only the newest are kept. */
const LOAD_STATUSES: Status[] = ['draft', 'rejected', 'pending', 'approved', 'airing', 'done'];
const DONE_KEPT = 20;
const REFETCH_MIN_MS = 500;
export const OK_SHOWN_MS = 8000;

export const zones = signal<Zones>({ commune: { id: 'commune', name: '' }, hamlets: [], groups: [] });
export const clusters = signal<ClusterView[]>([]);
export const slots = signal<SlotRow[]>([]);
/** Every bulletin we know, by id, as the API last sent it. */
export const bulletins = signal<ReadonlyMap<string, Bulletin>>(new Map());
export const loaded = signal(false);

/** Bulletin ids (and 'compose', 'slots') with a request in flight. */
export const busy = signal<ReadonlySet<string>>(new Set());
/** An action's error, shown in the bulletin's own card, by bulletin id. */
export const itemErrors = signal<ReadonlyMap<string, MessageFn>>(new Map());
export type Section = 'drafts' | 'pending' | 'queue' | 'live' | 'slots';
/** A section's last success, by section. */
export const sectionMsgs = signal<ReadonlyMap<Section, MessageFn>>(new Map());

export function setBusy(id: string, on: boolean): void {
  const next = new Set(busy.value);
  if (on) next.add(id);
  else next.delete(id);
  busy.value = next;
}

export function setItemError(id: string, msg: MessageFn | undefined): void {
  const next = new Map(itemErrors.value);
  if (msg) next.set(id, msg);
  else next.delete(id);
  itemErrors.value = next;
}

/** A section's success note, gone by itself after a while. */
export function setSectionMsg(section: Section, msg: MessageFn): void {
  sectionMsgs.value = new Map(sectionMsgs.value).set(section, msg);
  setTimeout(() => {
    if (sectionMsgs.value.get(section) !== msg) return;
    const next = new Map(sectionMsgs.value);
    next.delete(section);
    sectionMsgs.value = next;
  }, OK_SHOWN_MS);
}

export function upsert(b: Bulletin): void {
  bulletins.value = new Map(bulletins.value).set(b.id, b);
}

// ---------------------------------------------------------------- who acts

const myLogin = (): string => me.value?.user?.login ?? '';
/** Approving, and cancelling anyone's bulletin even on air, go together (admin, official). */
export const isOfficial = (): boolean => can('radio.approve');
export const mayCancel = (b: Bulletin): boolean => can('radio.cancel') && (isOfficial() || (b.createdBy === myLogin() && b.status !== 'airing'));
/** Four eyes: the author of a bulletin is not offered its approval. */
export const mayApprove = (b: Bulletin): boolean => isOfficial() && b.createdBy !== myLogin();
export const isMine = (b: Bulletin): boolean => b.createdBy === myLogin();
/** An official writes emergencies only: they go on air at once, without a draft or an approval. */
export const emergencyOnly = (): boolean => !can('radio.draft') && can('radio.emergency');

// ---------------------------------------------------------------- loading

async function loadBulletins(): Promise<void> {
  const lists = await Promise.all(LOAD_STATUSES.map((s) => radioApi.bulletins(s)));
  const next = new Map<string, Bulletin>();
  lists.forEach((list, i) => {
    for (const b of LOAD_STATUSES[i] === 'done' ? list.slice(0, DONE_KEPT) : list) next.set(b.id, b);
  });
  // Those we follow that left the lists loaded (cancelled, expired) stay as they were last sent.
  for (const [id, b] of bulletins.value) if (!next.has(id) && !LOAD_STATUSES.includes(b.status)) next.set(id, b);
  bulletins.value = next;
}

export async function loadSlots(): Promise<void> {
  slots.value = await radioApi.slots();
}

async function loadClusters(): Promise<void> {
  clusters.value = await radioApi.clusters();
}

export async function load(): Promise<void> {
  try {
    const [z] = await Promise.all([radioApi.zones(), loadBulletins(), loadSlots(), loadClusters()]);
    batch(() => {
      zones.value = z;
      loaded.value = true;
    });
    clearNotice();
  } catch {
    showLoadError(() => void load());
  }
}

/** A throttled refetch: at most one in flight, and not more often than every REFETCH_MIN_MS. */
function throttled(fn: () => Promise<unknown>): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  return () => {
    if (timer) return;
    timer = setTimeout(
      () =>
        void fn()
          .catch(() => undefined) // the stream's badge says so; the next event or tick tries again
          .finally(() => {
            last = Date.now();
            timer = undefined;
          }),
      Math.max(0, last + REFETCH_MIN_MS - Date.now()),
    );
  };
}

export const slotsSoon = throttled(loadSlots);
export const clustersSoon = throttled(loadClusters);
/** After a (re)connect: events may have been missed meanwhile. */
export const everythingSoon = throttled(() => Promise.all([loadBulletins(), loadSlots(), loadClusters()]));

export function onRadio(b: Bulletin): void {
  upsert(b);
  slotsSoon(); // the queued counts follow approvals and airings
}
