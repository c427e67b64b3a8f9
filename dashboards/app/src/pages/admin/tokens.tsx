// API tokens: the list (active first, newest first), revoke, and the form that makes one.
import { Msg } from '../../components/Msg.js';
import { fmtTime } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import type { Token } from './api.js';
import { RoleSelect, SecretBox, ZonePicks } from './parts.js';
import { busy, createToken, itemErrors, revokeToken, tokenError, tokenForm, tokens, tokensMsg, zonesText } from './store.js';

export function Tokens() {
  const list = [...tokens.value].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt));
  const f = tokenForm;
  const err = tokenError;
  return (
    <section id="tokens" class="panel" data-testid="tokens" aria-labelledby="tokens-h">
      <h2 id="tokens-h">{t('admin.tokens')}</h2>
      <p class="note">{t('admin.tokensIntro')}</p>
      <Msg msg={tokensMsg.value} id="tokens-msg" testid="tokens-msg" />
      <ul id="token-list" class="people" data-testid="token-list">
        {list.length ? list.map((k) => <TokenItem key={k.id} k={k} />) : <li class="empty">{t('admin.noTokens')}</li>}
      </ul>
      <h3 class="sub">{t('admin.t.create')}</h3>
      <form
        id="token-form"
        class="cmd-form"
        data-testid="token-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void createToken();
        }}
      >
        <div class="fields">
          <div class="field grow">
            <label for="k-name">{t('admin.t.name')}</label>
            <input
              id="k-name"
              type="text"
              autocomplete="off"
              maxLength={120}
              data-testid="token-name"
              aria-invalid={err.invalid('name')}
              value={f.name.value}
              onInput={(e) => {
                f.name.value = e.currentTarget.value;
                err.touch('name');
              }}
            />
          </div>
          <div class="field">
            <label for="k-role">{t('admin.f.role')}</label>
            <RoleSelect id="k-role" testid="token-role" value={f.role.value} onChange={(r) => (f.role.value = r)} invalid={err.invalid('role')} />
          </div>
          <ZonePicks id="k-zones" idBase="k-zone" testid="token-zones" zoneTestid="token-zone" chosen={f.zones.value} onChange={(z) => ((f.zones.value = z), err.touch('zones'))} hidden={f.role.value !== 'farmer'} invalid={err.invalid('zones')} />
          <div class="field submit">
            <button type="submit" class="btn" data-testid="token-submit" disabled={busy.value.has('token')}>
              {t('admin.t.create')}
            </button>
          </div>
        </div>
        <Msg msg={err.msg.value} id="token-error" testid="token-error" />
        <div id="token-secret" data-testid="token-secret">
          <SecretBox at="token" />
        </div>
      </form>
    </section>
  );
}

function TokenItem({ k }: { k: Token }) {
  const key = `token:${k.id}`;
  const revoked = k.revokedAt !== null;
  return (
    <li class="person" data-token-id={k.id} data-revoked={String(revoked)} data-testid="token">
      <div class="item-head">
        <h3 class="item-title">
          <span>{k.name}</span> <code class="muted">{k.id}</code>
        </h3>
        <div class="chips">
          <span class="badge role">{t(`role.${k.role}`)}</span>
          <span class={`badge ${revoked ? 'state-disabled' : 'state-active'}`} data-testid="token-state">
            {k.revokedAt !== null ? t('admin.t.revokedAt', { time: fmtTime(k.revokedAt) }) : t('admin.t.active')}
          </span>
        </div>
      </div>
      <p class="item-meta">
        {k.role === 'farmer' ? `${t('admin.zonesOf', { list: zonesText(k.zones) })} · ` : ''}
        {t('admin.t.created', { who: k.createdBy, time: fmtTime(k.createdAt) })}
        {' · '}
        {k.lastUsedAt ? t('admin.t.lastUsed', { time: fmtTime(k.lastUsedAt) }) : t('admin.t.neverUsed')}
      </p>
      {revoked ? null : (
        <div class="btn-row item-actions">
          <button type="button" class="btn btn-small btn-danger" data-testid="token-revoke" disabled={busy.value.has(key)} onClick={() => void revokeToken(k)}>
            {t('admin.t.revoke')}
          </button>
        </div>
      )}
      <Msg msg={itemErrors.value.get(key)} testid="item-error" />
    </li>
  );
}
