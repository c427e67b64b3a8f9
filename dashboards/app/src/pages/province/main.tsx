// The province page (/app/province.html?period=YYYY-MM; the province's / leads here): its communes ×
// indicators for a month, district totals, drill-downs, the month's printable report, and for
// admins the communes with their push tokens.
import { startPage } from '../../components/Shell.js';
import { Province } from './Province.js';
import './province.css';

startPage({ page: 'province', title: 'pv.title', skip: 'pv.skip', need: 'province.read', live: true, bodyClass: 'province-page', App: Province });
