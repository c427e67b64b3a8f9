// The first-run page: /app/setup.html (also /setup.html, redirected).
import { startPublicPage } from '../../components/Shell.js';
import { start } from './state.js';
import { SetupPage } from './views.js';

startPublicPage({ title: 'setup.title', App: SetupPage });
void start();
