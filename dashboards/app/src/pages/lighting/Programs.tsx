// The lighting programs (ordered steps: a fixed time or sunset/sunrise ± minutes, each with a
// level), which groups' calendars use them, and their editor.
import { Msg, refusal } from '../../components/Msg.js';
import { t } from '../../lib/i18n.js';
import { can } from '../../lib/session.js';
import { lightingApi, type Program } from './api.js';
import { editing, listMsg, openEditor, ProgramForm } from './ProgramForm.js';
import { groups, loadPrograms, programs } from './store.js';
import { pathLabel, pct, whenText } from './words.js';

function usesOf(programId: string): string[] {
  const out: string[] = [];
  for (const g of groups.value) {
    const c = g.calendar;
    if (!c) continue;
    if (c.default === programId) out.push(t('lit.asDefault', { name: g.name }));
    else if (c.rules.some((r) => r.program === programId)) out.push(g.name);
  }
  return out;
}

async function deleteProgram(p: Program): Promise<void> {
  if (!window.confirm(t('lit.confirmDelete', { name: p.name }))) return;
  try {
    await lightingApi.deleteProgram(p.id);
    listMsg.value = undefined;
    if (editing.value?.mode === 'edit' && editing.value.initial.id === p.id) editing.value = undefined;
  } catch (err) {
    listMsg.value = refusal(err, { label: pathLabel });
  }
  await loadPrograms().catch(() => undefined);
}

function ProgramItem({ p }: { p: Program }) {
  const uses = usesOf(p.id);
  return (
    <li class="program" data-program-id={p.id}>
      <div class="program-head">
        <h3 class="dev-name" tabIndex={-1}>
          {p.name}
        </h3>
      </div>
      <ol class="plan" data-testid="program-steps">
        {p.steps.map((s, i) => (
          <li key={i} class="plan-step">
            <span class="plan-time">{whenText(s)}</span>
            <span class="plan-level">{pct(s.level)}</span>
          </li>
        ))}
      </ol>
      <p class="note">{uses.length ? t('lit.usedBy', { list: uses.join(', ') }) : t('lit.unused')}</p>
      <p class="note">
        <code>{p.id}</code>
      </p>
      {can('lighting.control') ? (
        <div class="btn-row">
          <button type="button" class="btn btn-light btn-small" data-testid="program-edit" onClick={() => openEditor(p)}>
            {t('lit.edit')}
          </button>
          <button type="button" class="btn btn-danger btn-small" data-testid="program-delete" onClick={() => void deleteProgram(p)}>
            {t('lit.delete')}
          </button>
        </div>
      ) : null}
    </li>
  );
}

export function Programs() {
  const ps = programs.value;
  return (
    <section id="programs" class="panel" aria-labelledby="programs-h">
      <div class="panel-head">
        <h2 id="programs-h">{t('lit.programs')}</h2>
        {can('lighting.control') && !editing.value ? (
          <button id="program-new" type="button" class="btn btn-light" data-testid="program-new" onClick={() => openEditor(undefined)}>
            {t('lit.newProgram')}
          </button>
        ) : null}
      </div>
      <ul id="program-list" class="programs" data-testid="program-list">
        {ps.length ? ps.map((p) => <ProgramItem key={p.id} p={p} />) : <li class="empty">{t('lit.noPrograms')}</li>}
      </ul>
      <Msg id="program-list-error" testid="program-list-error" msg={listMsg.value} />
      <div id="program-editor">{editing.value ? <ProgramForm /> : null}</div>
    </section>
  );
}
