// The sign-in page: /app/signin.html?next=/irrigation.html (also /signin.html, redirected).
import { startPublicPage } from '../../components/Shell.js';
import { start, view } from './state.js';
import { SignInPage } from './views.js';

startPublicPage({ title: () => (view.value === 'change' ? 'change.title' : 'signin.title'), App: SignInPage });
void start();
