// The compose form: title, level, repeats, volume; the text to speak (with a preview) or an
// uploaded file; the zones; the slot and times; then save, submit or send as an emergency.
import type { JSX } from 'preact';
import { invalid, Msg, type MessageFn } from '../../components/Msg.js';
import { fmtDuration } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { site } from '../../components/Shell.js';
import { audioUrl, type Audio, type Level } from './api.js';
import { editBulletin, expiresRef, f, fileRef, level, notBeforeRef, previewText, resetCompose, saveCompose, toggleZone, uploadFile, type Tab } from './compose.js';
import { Drafts } from './Lists.js';
import { bulletins, busy, emergencyOnly, slots, zones } from './store.js';
import { hamletName, sizeText } from './words.js';

const LEVELS: Level[] = ['normal', 'priority', 'emergency'];

export function audioFacts(a: Audio, name?: string): string {
  const d = t('radio.duration', { d: fmtDuration(a.durationS) });
  return name ? `${t('radio.uploaded', { name, format: a.format.toUpperCase(), size: sizeText(a.bytes) })} · ${d}` : d;
}

/** aria-invalid for a form control: the compose error names it (or a path under it). */
const bad = (path: string, also?: MessageFn): true | undefined => invalid(f.msg.value, path) ?? (also ? invalid(also, path) : undefined);

function Tabs() {
  const tabs: { id: Tab; label: 'radio.tab.text' | 'radio.tab.audio'; hidden: boolean }[] = [
    { id: 'text', label: 'radio.tab.text', hidden: false },
    { id: 'audio', label: 'radio.tab.audio', hidden: emergencyOnly() && !can('radio.audio') },
  ];
  const shown = tabs.filter((x) => !x.hidden);
  // Arrow keys move between the tabs, as a tab list does.
  const onKey = (e: JSX.TargetedKeyboardEvent<HTMLButtonElement>, i: number) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = shown[(i + 1) % shown.length]!;
    f.tab.value = next.id;
    document.getElementById(`tab-${next.id}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" data-testid="compose-tabs">
      {shown.map((x, i) => (
        <button
          key={x.id}
          id={`tab-${x.id}`}
          type="button"
          role="tab"
          class="tab"
          aria-controls={`pane-${x.id}`}
          aria-selected={f.tab.value === x.id ? 'true' : 'false'}
          tabIndex={f.tab.value === x.id ? 0 : -1}
          data-tab={x.id}
          data-testid={`tab-${x.id}`}
          onClick={() => (f.tab.value = x.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t(x.label)}
        </button>
      ))}
    </div>
  );
}

function TextPane() {
  const p = f.preview.value;
  const mayPreview = !emergencyOnly() || can('radio.audio');
  return (
    <div id="pane-text" class="pane" role="tabpanel" aria-labelledby="tab-text" hidden={f.tab.value !== 'text'}>
      <div class="field">
        <label for="c-text">{t('radio.f.text')}</label>
        <textarea
          id="c-text"
          rows={5}
          maxLength={5000}
          data-path="content.text"
          data-testid="compose-text"
          aria-describedby="c-text-hint"
          aria-invalid={bad('content.text', f.previewError.value)}
          value={f.text.value}
          onInput={(e) => (f.text.value = e.currentTarget.value)}
        />
        <small id="c-text-hint" class="hint">
          {t('radio.f.textHint')}
        </small>
      </div>
      {mayPreview ? (
        <div class="btn-row">
          <button id="c-preview" type="button" class="btn btn-light" data-testid="compose-preview" disabled={f.previewBusy.value} aria-busy={f.previewBusy.value} onClick={() => void previewText()}>
            {t('radio.preview')}
          </button>
        </div>
      ) : null}
      <div id="c-preview-out" class="audio-out" data-testid="compose-preview-out" aria-live="polite">
        {f.previewBusy.value ? <p class="note">{t('radio.previewing')}</p> : null}
        {p ? (
          <>
            <audio key={p.file} controls preload="metadata" src={audioUrl(p.file)} data-testid="preview-audio" />
            <p class="audio-facts" data-testid="preview-duration" data-duration={p.durationS}>
              {audioFacts(p)}
            </p>
            {f.text.value !== f.previewFor.value ? (
              <p class="note stale" data-testid="preview-stale">
                {t('radio.previewStale')}
              </p>
            ) : null}
          </>
        ) : null}
        <Msg msg={f.previewError.value} testid="preview-error" />
      </div>
    </div>
  );
}

function AudioPane() {
  const u = f.upload.value;
  return (
    <div id="pane-audio" class="pane" role="tabpanel" aria-labelledby="tab-audio" hidden={f.tab.value !== 'audio'}>
      <div class="field">
        <label for="c-file">{t('radio.f.file')}</label>
        <input
          ref={fileRef}
          id="c-file"
          type="file"
          accept=".wav,.mp3,audio/wav,audio/x-wav,audio/mpeg"
          data-path="content.file"
          data-testid="compose-file"
          aria-describedby="c-file-hint c-upload-out"
          aria-invalid={f.uploadError.value ? true : bad('content.file')}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void uploadFile(file);
          }}
        />
        <small id="c-file-hint" class="hint">
          {t('radio.f.fileHint')}
        </small>
      </div>
      <div id="c-upload-out" class="audio-out" data-testid="compose-upload-out" aria-live="polite">
        {f.uploading.value ? <p class="note">{t('radio.uploading', { name: f.uploading.value })}</p> : null}
        {!f.uploading.value && u ? (
          <>
            <audio key={u.file} controls preload="metadata" src={audioUrl(u.file)} data-testid="upload-audio" />
            <p class="audio-facts" data-testid="upload-facts" data-duration={u.durationS}>
              {audioFacts(u, u.name)}
            </p>
          </>
        ) : null}
        <Msg msg={f.uploadError.value} testid="upload-error" />
      </div>
    </div>
  );
}

function Zones() {
  const z = zones.value;
  const clusterCount = (n: number) => (n ? t('radio.zone.clusters', { n }) : t('radio.zone.noCluster'));
  const total = z.hamlets.reduce((a, x) => a + x.clusters, 0);
  const box = (id: string, label: string, meta: string) => (
    <div class="field check zone" key={id}>
      <input id={`zone-${id}`} type="checkbox" value={id} data-testid={`zone-${id}`} checked={f.zones.value.has(id)} onChange={(e) => toggleZone(id, e.currentTarget.checked)} />
      <label for={`zone-${id}`}>
        <span class="zone-name">{label}</span>
        {meta ? <small class="zone-meta">{meta}</small> : null}
      </label>
    </div>
  );
  return (
    <fieldset class="fs zones" data-path="zones" data-testid="compose-zones" aria-invalid={bad('zones')}>
      <legend>{t('radio.f.zones')}</legend>
      <div id="c-zones" class="zone-list">
        {box('commune', t('radio.zone.commune'), `${z.commune.name} · ${clusterCount(total)}`)}
        {z.groups.length ? <p class="zone-h">{t('radio.zones.groups')}</p> : null}
        {z.groups.map((g) => box(g.id, g.name, g.hamlets.map(hamletName).join(', ')))}
        <p class="zone-h">{t('radio.zones.hamlets')}</p>
        {z.hamlets.map((x) => box(x.id, x.name, clusterCount(x.clusters)))}
      </div>
    </fieldset>
  );
}

function Schedule() {
  const chosen = f.slot.value;
  return (
    <fieldset class="fs" data-path="schedule" aria-invalid={bad('schedule')}>
      <legend>{t('radio.f.schedule')}</legend>
      <div class="field">
        <label for="c-slot">{t('radio.f.slot')}</label>
        <select id="c-slot" data-path="schedule.slot" data-testid="compose-slot" aria-invalid={bad('schedule.slot')} value={chosen} onChange={(e) => (f.slot.value = e.currentTarget.value)}>
          <option value="">{t('radio.slot.any')}</option>
          {slots.value.map((s) => (
            <option key={s.id} value={s.id}>
              {t('radio.slot.option', { name: s.name, time: s.time })}
            </option>
          ))}
          {/* A slot chosen then removed stays listed (the server says it is unknown), so nothing changes under the hand. */}
          {chosen && !slots.value.some((s) => s.id === chosen) ? <option value={chosen}>{chosen}</option> : null}
        </select>
      </div>
      <div class="field">
        <label for="c-notbefore">{t('radio.f.notBefore')}</label>
        <input
          ref={notBeforeRef}
          id="c-notbefore"
          type="datetime-local"
          data-path="schedule.notBefore"
          data-testid="compose-notbefore"
          aria-describedby="c-tz-hint"
          aria-invalid={bad('schedule.notBefore')}
          value={f.notBefore.value}
          onInput={(e) => (f.notBefore.value = e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="c-expires">{t('radio.f.expiresAt')}</label>
        <input
          ref={expiresRef}
          id="c-expires"
          type="datetime-local"
          data-path="expiresAt"
          data-testid="compose-expires"
          aria-describedby="c-tz-hint"
          aria-invalid={bad('expiresAt')}
          value={f.expires.value}
          onInput={(e) => (f.expires.value = e.currentTarget.value)}
        />
      </div>
      <small id="c-tz-hint" class="hint" data-testid="compose-tz-hint">
        {t('radio.f.siteTime', { tz: site.value?.site.tz ?? 'Asia/Ho_Chi_Minh' })}
      </small>
    </fieldset>
  );
}

export function Compose() {
  const lv = level();
  const only = emergencyOnly();
  const editing = f.id.value;
  const isBusy = busy.value.has('compose');
  const mayDraft = can('radio.draft');
  return (
    <section id="compose" class="panel compose" data-testid="compose" data-level={lv} aria-labelledby="compose-h">
      <div class="panel-head">
        <h2 id="compose-h" tabIndex={-1}>
          {t('radio.compose')}
        </h2>
        {editing ? (
          <button
            id="compose-new"
            type="button"
            class="btn btn-light btn-small"
            data-testid="compose-new"
            onClick={() => {
              resetCompose();
              document.getElementById('c-title')?.focus();
            }}
          >
            {t('radio.newBulletin')}
          </button>
        ) : null}
      </div>
      <EditingNote />
      <form
        id="compose-form"
        class="compose-form"
        data-testid="compose-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          // Enter in a field: an official's form only sends emergencies, and only by its button.
          if (mayDraft) void saveCompose('submit');
        }}
      >
        <div class="fields">
          <div class="field grow">
            <label for="c-title">{t('radio.f.title')}</label>
            <input id="c-title" type="text" maxLength={200} data-path="title" data-testid="compose-title" aria-invalid={bad('title')} value={f.title.value} onInput={(e) => (f.title.value = e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="c-level">{t('radio.f.level')}</label>
            <select id="c-level" data-path="level" data-testid="compose-level" aria-describedby="c-level-hint" aria-invalid={bad('level')} value={lv} onChange={(e) => (f.level.value = e.currentTarget.value as Level)}>
              {(only ? (['emergency'] as Level[]) : LEVELS).map((l) => (
                <option key={l} value={l}>
                  {t(`radio.level.${l}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="c-repeat">{t('radio.f.repeat')}</label>
            <select id="c-repeat" data-path="repeat" data-testid="compose-repeat" aria-invalid={bad('repeat')} value={f.repeat.value} onChange={(e) => (f.repeat.value = e.currentTarget.value)}>
              {['1', '2', '3', '4', '5'].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="c-volume">{t('radio.f.volume')}</label>
            <input
              id="c-volume"
              type="number"
              min={0}
              max={100}
              step={1}
              inputMode="numeric"
              class="num"
              data-path="volumePct"
              data-testid="compose-volume"
              placeholder={t('radio.f.volumeDefault')}
              aria-invalid={bad('volumePct')}
              value={f.volume.value}
              onInput={(e) => (f.volume.value = e.currentTarget.value)}
            />
          </div>
          <p id="c-level-hint" class="hint level-hint" data-testid="compose-level-hint">
            {t(only ? 'radio.levelHint.emergencyNow' : `radio.levelHint.${lv}`)}
          </p>
        </div>

        <fieldset class="fs content" data-path="content" aria-invalid={bad('content.kind')}>
          <legend>{t('radio.f.content')}</legend>
          <Tabs />
          <TextPane />
          <AudioPane />
        </fieldset>

        <Zones />
        {mayDraft ? <Schedule /> : null}

        <Msg msg={f.msg.value} testid="compose-error" id="compose-error" />
        <div class="btn-row">
          {mayDraft ? (
            <>
              <button id="c-draft" type="button" class="btn btn-light" data-testid="compose-draft" disabled={isBusy} aria-busy={isBusy} onClick={() => void saveCompose('draft')}>
                {t('radio.saveDraft')}
              </button>
              <button id="c-submit" type="submit" class="btn" data-testid="compose-submit" disabled={isBusy} aria-busy={isBusy}>
                {t('radio.submit')}
              </button>
            </>
          ) : null}
          {can('radio.emergency') && lv === 'emergency' ? (
            <button id="c-emergency" type="button" class="btn btn-emergency" data-testid="compose-emergency" disabled={isBusy} aria-busy={isBusy} onClick={() => void saveCompose('emergency')}>
              {t('radio.emergencyNow')}
            </button>
          ) : null}
        </div>
      </form>
      {mayDraft ? <Drafts onEdit={editBulletin} /> : null}
    </section>
  );
}

function EditingNote() {
  const id = f.id.value;
  if (!id) return null;
  const b = bulletins.value.get(id);
  return (
    <p id="compose-editing" class="note" data-testid="compose-editing">
      {t('radio.editing', { title: b?.title ?? f.title.value, status: t(`radio.s.${b?.status ?? 'draft'}`) })}
    </p>
  );
}
