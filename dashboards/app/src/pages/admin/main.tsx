// The admin page: the village's users (role, a farmer's zones, state, sessions) and API tokens.
//   /app/admin.html (also /admin.html, redirected)
import { useEffect } from 'preact/hooks';
import { startPage } from '../../components/Shell.js';
import { can } from '../../lib/session.js';
import { AddUser, Users } from './users.js';
import { load, loaded } from './store.js';
import { Tokens } from './tokens.js';

function Admin() {
  useEffect(() => void load(), []);
  if (!loaded.value) return null;
  return (
    <div class="irr adm">
      <Users />
      <AddUser />
      {can('tokens.manage') ? <Tokens /> : null}
    </div>
  );
}

startPage({ page: 'admin', title: 'admin.title', skip: 'admin.skip', need: 'users.manage', bodyClass: 'admin', App: Admin });
