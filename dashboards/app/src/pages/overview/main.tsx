// The officials' overview (/app/overview.html?month=YYYY-MM): the commune's indicators for a
// month, each a tile that opens its definition, hamlets and findings. An official lands here.
import { startPage } from '../../components/Shell.js';
import { Overview } from './Overview.js';
import './overview.css';

startPage({ page: 'overview', title: 'ov.title', skip: 'ov.skip', need: 'indicators.read', bodyClass: 'overview-page', App: Overview });
