// The irrigation page's entry: the shared frame, then the page once the session is known.
import { startPage } from '../../components/Shell.js';
import { App } from './App.js';

startPage({ page: 'irrigation', title: 'irr.title', skip: 'irr.skip', live: true, App });
