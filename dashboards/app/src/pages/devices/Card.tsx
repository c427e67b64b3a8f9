// One device's card: who it is, whether it is online, its readings, the state it reported (with
// when), and its commands: the last one's status, others still pending, and a form per command
// the type offers (only for a role that may send commands).
import { CommandForm, actionLabel, planCommand } from '../../components/CommandForm.js';
import { clock, RelTime, useClock } from '../../components/Time.js';
import { fmtDuration, fmtTime, issuerName } from '../../lib/format.js';
import { pick, t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import type { Device, DeviceTypeInfo } from './api.js';
import { commandsFor, formKey, outcomes, send, sending, type CommandView } from './store.js';
import { capFor, fmtValue, isCountdown, needsAttention, stateLabel, type Places } from './view.js';

/** A device-side countdown keeps running between reports: shown as an estimate from the report's time. */
function Countdown({ from, seconds }: { from: string; seconds: number }) {
  useClock();
  const left = Math.max(0, seconds - (clock.value - Date.parse(from)) / 1000);
  return (
    <dd data-countdown={seconds} data-from={from} title={t('estimated', { time: fmtTime(from) })}>
      ≈ {fmtDuration(left)}
    </dd>
  );
}

function statusWord(c: CommandView): string {
  const word = t(`cmd.${c.status}`);
  return c.status === 'rejected' && c.reason ? `${word}: ${c.reason}` : word;
}

function CommandLine({ c, type, latest }: { c: CommandView; type: DeviceTypeInfo | undefined; latest: boolean }) {
  const params = Object.entries(c.params)
    .map(([k, v]) => fmtValue(k, v, capFor(type?.capabilities, k, true)))
    .join(', ');
  const what = params ? `${actionLabel(c.action)} · ${params}` : actionLabel(c.action);
  const when =
    c.status === 'pending'
      ? [t('sentAt', { time: fmtTime(c.issuedAt) }), t('expiresAt', { time: fmtTime(c.expiresAt) })].join(', ')
      : t(c.settledAt ? 'settledAt' : 'sentAt', { time: fmtTime(c.settledAt ?? c.issuedAt) });
  return (
    <>
      {latest ? <span class="cmd-label">{t('lastCommand')}: </span> : null}
      <span class="cmd-what">{what}</span>
      {' — '}
      <strong class={`cmd-word cmd-${c.status}`} data-testid={latest ? 'cmd-word' : undefined}>
        {statusWord(c)}
      </strong>
      <span class="cmd-when">
        {` · ${when}`}
        {c.issuer ? ` · ${t('byIssuer', { who: issuerName(c.issuer) })}` : ''}
      </span>
    </>
  );
}

function Controls({ dev, type }: { dev: Device; type: DeviceTypeInfo }) {
  const planned = type.commands.map((cmd) => ({ cmd, plan: planCommand(cmd, type.capabilities) })).filter((x) => x.plan);
  if (!planned.length) return null;
  const reported = { ...dev.telemetry, ...dev.state };
  const form = (cmd: DeviceTypeInfo['commands'][number]) => {
    const key = formKey(dev.id, cmd.action);
    return (
      <CommandForm
        key={cmd.action}
        command={cmd}
        capabilities={type.capabilities}
        idPrefix={dev.id}
        reported={reported}
        busy={sending.value.has(key)}
        message={outcomes.value.get(key)}
        onSubmit={(params) => void send(dev.id, cmd.action, params)}
      />
    );
  };
  const withFields = planned.filter((x) => x.plan!.fields.length);
  const bare = planned.filter((x) => !x.plan!.fields.length);
  return (
    <div class="controls">
      {withFields.map((x) => form(x.cmd))}
      {bare.length ? <div class="btn-row">{bare.map((x) => form(x.cmd))}</div> : null}
    </div>
  );
}

export function DeviceCard({ dev, type, places, hidden }: { dev: Device; type: DeviceTypeInfo | undefined; places: Places; hidden: boolean }) {
  const avail = dev.availability;
  const headId = `dev-${dev.id}`;
  const zone = dev.zone ? places.zones.get(dev.zone) : undefined;
  const readCaps = (type?.capabilities ?? []).filter((c) => c.access === 'read' && dev.telemetry?.[c.key] !== undefined);
  const state = Object.entries(dev.state ?? {}).filter(([, v]) => v !== undefined && v !== null);
  const hasCommands = !!type?.commands.length;
  // Command forms only for a role that may send commands (a farmer's list holds only their zones).
  const mayCommand = !!type && hasCommands && can('devices.command');
  const list = commandsFor(dev.id);
  const latest = list[0];
  const others = list.slice(1).filter((c) => c.status === 'pending');

  return (
    <article class="card" data-device-id={dev.id} data-type={dev.type} data-availability={avail} aria-labelledby={headId} hidden={hidden}>
      <header class="card-head">
        <div class="card-title">
          <h4 class="dev-name" id={headId}>
            {dev.name || dev.id}
          </h4>
          <p class="dev-meta">
            <code class="dev-id">{dev.id}</code>
            {` · ${pick(type?.label, dev.type)}`}
            {dev.zone ? ` · ${t('zone', { name: zone?.name ?? dev.zone })}` : ''}
          </p>
        </div>
        <p class={`avail avail-${avail}`} data-testid="availability" data-availability={avail}>
          <span class="avail-icon" aria-hidden="true">
            {avail === 'online' ? '●' : avail === 'offline' ? '○' : '?'}
          </span>
          <span class="avail-text">{t(`avail.${avail}`)}</span>
        </p>
      </header>
      <p class="seen" data-testid="last-seen">
        {dev.lastSeen ? (
          <span>
            {t('lastSeen', { when: '' }).trim()} <RelTime at={dev.lastSeen} />
          </span>
        ) : (
          t('neverSeen')
        )}
      </p>
      <section class="block">
        <h5>
          {t('readings')}
          {dev.telemetryAt ? (
            <>
              {' · '}
              <RelTime at={dev.telemetryAt} />
            </>
          ) : null}
        </h5>
        {readCaps.length ? (
          <dl class="kv" data-testid="readings">
            {readCaps.map((c) => {
              const v = dev.telemetry?.[c.key];
              return (
                <div key={c.key} class={needsAttention(c, v) ? 'kv-row warn' : 'kv-row'} data-key={c.key}>
                  <dt>{pick(c.label, c.key)}</dt>
                  <dd>{fmtValue(c.key, v, c)}</dd>
                </div>
              );
            })}
          </dl>
        ) : (
          <p class="note" data-testid="readings">
            {t('noReadings')}
          </p>
        )}
        {/* The history charts are another page of the app. */}
        <a class="history-link" href={`/app/history.html?device=${encodeURIComponent(dev.id)}`} data-testid="history-link">
          {t('history')}
          <span class="sr"> · {dev.name || dev.id}</span>
        </a>
      </section>
      <section class="block" hidden={!state.length && !hasCommands}>
        <h5>
          {t('reportedState')}
          {dev.stateAt ? (
            <>
              {' · '}
              <RelTime at={dev.stateAt} />
            </>
          ) : null}
        </h5>
        {state.length && avail !== 'online' ? <p class="note stale">{t('staleState')}</p> : null}
        {state.length ? (
          <dl class="kv" data-testid="state">
            {state.map(([k, v]) => {
              const cap = capFor(type?.capabilities, k);
              return (
                <div key={k} class={needsAttention(cap, v) ? 'kv-row warn' : 'kv-row'} data-key={k}>
                  <dt>{stateLabel(type, k)}</dt>
                  {isCountdown(k, cap, v) && dev.stateAt && avail === 'online' ? <Countdown from={dev.stateAt} seconds={v} /> : <dd>{fmtValue(k, v, cap)}</dd>}
                </div>
              );
            })}
          </dl>
        ) : (
          <p class="note" data-testid="state">
            {t('noState')}
          </p>
        )}
      </section>
      <section class="block control" hidden={!mayCommand && !list.length}>
        <h5>{t('control')}</h5>
        <p
          class="cmd-status"
          data-testid="cmd-status"
          aria-live="polite"
          hidden={!latest}
          data-status={latest?.status}
          data-command-id={latest?.id}
          data-action={latest?.action}
        >
          {latest ? <CommandLine c={latest} type={type} latest /> : null}
        </p>
        {others.length ? (
          <>
            <p class="note">{t('alsoPending')}</p>
            <ul class="pending" data-testid="pending-list">
              {others.map((c) => (
                <li key={c.id} data-testid="cmd-pending" data-status={c.status} data-command-id={c.id} data-action={c.action}>
                  <CommandLine c={c} type={type} latest={false} />
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {mayCommand && avail === 'offline' ? <p class="note">{t('offlineHint')}</p> : null}
        {mayCommand ? <Controls dev={dev} type={type} /> : null}
      </section>
    </article>
  );
}

