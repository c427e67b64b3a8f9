// The monthly report (/app/report.html?period=YYYY-MM[&compare=YYYY-MM]): an A4 page in the
// commune's own form, to print and sign, and what the server prints to PDF.
import { startPage } from '../../components/Shell.js';
import { Report } from './Report.js';
import './report.css';

startPage({ page: 'overview', title: 'rp.title', skip: 'rp.skip', need: 'indicators.read', bodyClass: 'report-page', App: Report });
