// The history page (/app/history.html?device=…): one device's charts, in the shell under the
// device page's nav entry, which every card links from.
import { startPage } from '../../components/Shell.js';
import { HistoryPage } from './History.js';
import '../../styles/charts.css';
import './history.css';

startPage({ page: 'devices', title: 'hist.title', skip: 'hist.skip', live: true, bodyClass: 'history-page', App: HistoryPage });
