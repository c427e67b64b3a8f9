// The compose form's state and actions: the fields as typed (so an error or a language switch never
// loses them), the speech preview, the upload, and saving as a draft, for approval or as an emergency.
import { batch, effect, signal, untracked } from '@preact/signals';
import { createRef } from 'preact';
import type { MessageFn } from '../../components/Msg.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { radioApi, type Audio, type Bulletin, type BulletinBody, type Level } from './api.js';
import { bulletins, busy, emergencyOnly, OK_SHOWN_MS, setBusy, slotsSoon, upsert, zones } from './store.js';
import { apiError, isoToLocalInput, localError, localInputToIso, okMsg, zonesText } from './words.js';

export type Tab = 'text' | 'audio';
export type Uploaded = Audio & { name: string };

export const f = {
  /** The draft or rejected bulletin being edited (PATCH), or undefined for a new one (POST). */
  id: signal<string | undefined>(undefined),
  title: signal(''),
  level: signal<Level>('normal'),
  repeat: signal('1'),
  volume: signal(''),
  tab: signal<Tab>('text'),
  text: signal(''),
  zones: signal<ReadonlySet<string>>(new Set()),
  slot: signal(''),
  notBefore: signal(''),
  expires: signal(''),
  preview: signal<Audio | undefined>(undefined),
  previewFor: signal(''),
  previewBusy: signal(false),
  previewError: signal<MessageFn | undefined>(undefined),
  upload: signal<Uploaded | undefined>(undefined),
  uploading: signal(''),
  uploadError: signal<MessageFn | undefined>(undefined),
  msg: signal<MessageFn | undefined>(undefined),
};
/** The form as it was when its bulletin was saved or loaded, to tell whether it changed since. */
let savedSig = '';

// The inputs whose partial values a controlled value cannot see (a half-typed date), and the file.
export const notBeforeRef = createRef<HTMLInputElement>();
export const expiresRef = createRef<HTMLInputElement>();
export const fileRef = createRef<HTMLInputElement>();

/** The level the form sends: an official who may only send emergencies has no other. */
export const level = (): Level => (emergencyOnly() ? 'emergency' : f.level.value);

export function toggleZone(id: string, on: boolean): void {
  const next = new Set(f.zones.value);
  if (on) next.add(id);
  else next.delete(id);
  f.zones.value = next;
}

function setMsg(msg: MessageFn | undefined): void {
  f.msg.value = msg;
  if (msg?.().kind === 'ok') {
    setTimeout(() => {
      if (f.msg.value === msg) f.msg.value = undefined;
    }, OK_SHOWN_MS);
  }
  if (msg) queueMicrotask(() => document.getElementById('compose-error')?.scrollIntoView({ block: 'nearest' }));
}

export function resetCompose(): void {
  batch(() => {
    f.id.value = undefined;
    f.title.value = '';
    f.level.value = 'normal';
    f.repeat.value = '1';
    f.volume.value = '';
    f.tab.value = 'text';
    f.text.value = '';
    f.zones.value = new Set();
    f.slot.value = '';
    f.notBefore.value = '';
    f.expires.value = '';
    f.preview.value = undefined;
    f.previewFor.value = '';
    f.previewError.value = undefined;
    f.upload.value = undefined;
    f.uploading.value = '';
    f.uploadError.value = undefined;
    f.msg.value = undefined;
  });
  savedSig = '';
  if (fileRef.current) fileRef.current.value = '';
}

export async function previewText(): Promise<void> {
  if (f.previewBusy.value) return;
  const text = f.text.value;
  if (!text.trim()) {
    f.previewError.value = localError(() => t('radio.typeText'), ['content.text']);
    return;
  }
  f.previewBusy.value = true;
  f.previewError.value = undefined;
  try {
    const a = await radioApi.tts(text);
    batch(() => {
      f.preview.value = a;
      f.previewFor.value = text;
    });
  } catch (err) {
    f.previewError.value = apiError(err, () => t('radio.previewFailed'));
  } finally {
    f.previewBusy.value = false;
  }
}

export async function uploadFile(file: File): Promise<void> {
  batch(() => {
    f.uploading.value = file.name;
    f.upload.value = undefined;
    f.uploadError.value = undefined;
  });
  let result: { ok: Uploaded } | { err: MessageFn };
  try {
    result = { ok: { ...(await radioApi.upload(file)), name: file.name } };
  } catch (err) {
    result = { err: apiError(err, () => t('radio.uploadFailed', { name: file.name })) };
  }
  // Another file was chosen meanwhile: that one's answer decides.
  if (f.uploading.value !== file.name) return;
  batch(() => {
    f.uploading.value = '';
    if ('ok' in result) f.upload.value = result.ok;
    else f.uploadError.value = result.err;
  });
}

/** The bulletin as the form holds it, or a local error for what the server could not be sent. */
function composeBody(): { body: BulletinBody } | { error: MessageFn } {
  for (const [ref, path, label] of [
    [notBeforeRef, 'schedule.notBefore', 'radio.f.notBefore'],
    [expiresRef, 'expiresAt', 'radio.f.expiresAt'],
  ] as const) {
    if (ref.current?.validity.badInput) return { error: localError(() => `${t(label)}: ${t('radio.f.badTime')}`, [path]) };
  }
  const upload = f.upload.value;
  if (f.tab.value === 'audio' && !upload) return { error: localError(() => t('radio.needUpload'), ['content.file']) };
  const content: BulletinBody['content'] = f.tab.value === 'audio' && upload ? { kind: 'audio', file: upload.file } : { kind: 'text', text: f.text.value };
  // The zones in the order they are listed: the commune, the groups, the hamlets.
  const z = zones.value;
  const chosen = ['commune', ...z.groups.map((g) => g.id), ...z.hamlets.map((h) => h.id)].filter((id) => f.zones.value.has(id));
  const notBefore = localInputToIso(f.notBefore.value);
  const expiresAt = localInputToIso(f.expires.value);
  // An empty volume leaves it to the cluster (an emergency: 100 %); a bad one the server explains.
  const volume = f.volume.value.trim();
  const slot = f.slot.value;
  return {
    body: {
      title: f.title.value,
      level: level(),
      zones: chosen,
      content,
      schedule: { ...(slot && { slot }), ...(notBefore && { notBefore }) },
      ...(expiresAt && { expiresAt }),
      repeat: Number(f.repeat.value),
      ...(volume !== '' && { volumePct: Number(volume) }),
    },
  };
}

/** What the form holds now, as one string. */
const formSig = (): string => JSON.stringify(composeBody());

export type SaveMode = 'draft' | 'submit' | 'emergency';

/** Saves the form: as a draft, a draft submitted for approval, or an emergency on air at once. */
export async function saveCompose(mode: SaveMode): Promise<void> {
  if (busy.value.has('compose')) return;
  const made = composeBody();
  if ('error' in made) return setMsg(made.error);
  const body = made.body;
  if (mode === 'emergency') {
    const where = body.zones.length ? zonesText(body.zones) : '—';
    if (!window.confirm(t('radio.confirmEmergency', { title: body.title.trim() || '—', zones: where }))) return;
  }
  setBusy('compose', true);
  try {
    let saved: Bulletin;
    try {
      if (mode === 'emergency') {
        const { title, zones: z, content, expiresAt, repeat, volumePct } = body;
        saved = await radioApi.emergency({ title, zones: z, content, repeat, ...(expiresAt && { expiresAt }), ...(volumePct !== undefined && { volumePct }) });
      } else if (f.id.value) saved = await radioApi.update(f.id.value, body);
      else saved = await radioApi.create(body);
    } catch (err) {
      return setMsg(apiError(err));
    }
    upsert(saved);
    const title = saved.title;
    if (mode === 'emergency') {
      resetCompose();
      return setMsg(okMsg(() => t('radio.sentEmergency', { title })));
    }
    f.id.value = saved.id;
    if (mode === 'draft') {
      savedSig = formSig();
      return setMsg(okMsg(() => t('radio.saved', { title })));
    }
    try {
      upsert(await radioApi.step(saved.id, 'submit'));
    } catch (err) {
      const e = apiError(err);
      return setMsg(() => ({ ...e(), title: `${t('radio.notSubmitted')} ${e().title}` }));
    }
    resetCompose();
    setMsg(okMsg(() => t('radio.submitted', { title })));
    slotsSoon();
  } finally {
    setBusy('compose', false);
  }
}

/** Puts a draft or rejected bulletin into the form, to edit it and send it again. */
export function editBulletin(b: Bulletin): void {
  resetCompose();
  batch(() => {
    f.id.value = b.id;
    f.title.value = b.title;
    f.level.value = b.level;
    f.zones.value = new Set(b.zones);
    f.slot.value = b.schedule?.slot ?? '';
    f.notBefore.value = isoToLocalInput(b.schedule?.notBefore);
    f.expires.value = isoToLocalInput(b.expiresAt);
    f.repeat.value = String(b.repeat ?? 1);
    f.volume.value = b.volumePct === undefined ? '' : String(b.volumePct);
    if (b.content.kind === 'audio') {
      f.tab.value = 'audio';
      f.upload.value = { ...b.audio, name: b.content.file };
    } else {
      f.tab.value = 'text';
      f.text.value = b.content.text;
      f.preview.value = b.audio;
      f.previewFor.value = b.content.text;
    }
  });
  savedSig = formSig();
  const h = document.getElementById('compose-h');
  h?.focus();
  document.getElementById('compose')?.scrollIntoView({ block: 'start' });
}

/**
 * The bulletin being edited moved on elsewhere (submitted from the list, or by someone else): a
 * form unchanged since its save is cleared; a changed one is kept, as a new bulletin.
 */
export function followEdited(): () => void {
  return effect(() => {
    const id = f.id.value;
    const b = id ? bulletins.value.get(id) : undefined;
    untracked(() => {
      if (!b || b.status === 'draft' || b.status === 'rejected' || busy.value.has('compose')) return;
      if (formSig() === savedSig) resetCompose();
      else f.id.value = undefined;
    });
  });
}

/** Whether this role sees the compose form at all. */
export const mayCompose = (): boolean => can('radio.draft') || can('radio.emergency');
