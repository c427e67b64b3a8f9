// The rules pages (/app/rules.html): the list, a rule's details and trace (#rule=<id>), and the
// form editor for a new rule (#new) or an existing one (#edit=<id>), with its test against past
// data. Phone first; Vietnamese first.
import { useEffect } from 'preact/hooks';
import { loadOrOfferRetry, site, startPage } from '../../components/Shell.js';
import { t } from '../../lib/i18n.js';
import { can, me } from '../../lib/session.js';
import { rulesApi } from './api.js';
import { Details } from './Details.js';
import { draftOf, emptyDraft } from './draft.js';
import { List } from './List.js';
import { RuleForm, type FormContext } from './RuleForm.js';
import { useStream } from '../../stream.js';
import { devices, go, groups, loadAll, loaded, reloadOne, reloadRules, rules, types, view, viewOf } from './store.js';
import '../../styles/charts.css';
import './rules.css';

const load = (): Promise<void> => loadOrOfferRetry(loadAll);

function formContext(): FormContext {
  const role = me.value?.user?.role;
  return {
    devices: devices.value,
    types: types.value,
    groups: groups.value,
    zoneRequired: role === 'farmer',
    // What the owner may take (the server asks again when saving and when acting): a farmer never
    // sets a commune-wide rain delay or a lighting override.
    may: { command: can('devices.command'), webhook: can('rules.webhook'), rainDelay: can('irrigation.control') && role !== 'farmer', lighting: can('lighting.control') && role !== 'farmer' },
  };
}

function Editor({ id }: { id?: string }) {
  const existing = id ? rules.value.find((x) => x.rule.id === id) : undefined;
  if (id && !existing) return <p class="note">{t('ru.notFound')}</p>;
  const initial = existing ? draftOf(existing.rule) : emptyDraft({ zone: me.value?.user?.role === 'farmer' ? site.value?.zones[0]?.id : undefined });
  return (
    <RuleForm
      key={id ?? 'new'}
      mode={existing ? 'edit' : 'create'}
      initial={initial}
      takenIds={rules.value.map((x) => x.rule.id)}
      ctx={formContext()}
      test={(body, from, to) => rulesApi.test(body, from, to)}
      onCancel={() => go(existing ? { kind: 'rule', id: existing.rule.id } : { kind: 'list' })}
      onSave={async (rid, body) => {
        await rulesApi.put(rid, body);
        await reloadOne(rid);
        go({ kind: 'list' });
      }}
    />
  );
}

function Page() {
  useEffect(() => {
    void load();
    const onPop = () => (view.value = viewOf(location.hash));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  // A rule's alert raised or cleared (key rule:<id>:<target>): its state changed; read the rules
  // again. After a reconnect too (events may have been missed). An open editor keeps its draft.
  useStream({ alertChanged: (a) => void (a.key.startsWith('rule:') && reloadRules().catch(() => {})), onOpen: () => void (loaded.peek() && reloadRules().catch(() => {})) }, []);
  if (!loaded.value) return <p class="note" aria-busy="true">{t('loading')}</p>;
  const v = view.value;
  if (v.kind === 'new') return can('rules.manage') ? <Editor /> : <List />;
  if (v.kind === 'edit') return can('rules.manage') ? <Editor id={v.id} /> : <List />;
  if (v.kind === 'rule') return <Details id={v.id} />;
  return <List />;
}

startPage({ page: 'rules', title: 'ru.title', skip: 'ru.skip', need: 'rules.read', live: true, bodyClass: 'rules-page', App: Page });
