// The device page (/app/, where / redirects): a village's devices by hamlet, live.
import { startPage } from '../../components/Shell.js';
import { DevicesPage } from './DevicesPage.js';
import './devices.css';

startPage({ page: 'devices', title: 'appTitle', skip: 'skipToContent', live: true, App: DevicesPage });
