// A demo province: the roll-up (PLANE_MODE=province, its own influxd) with 100 simulated communes'
// indicators (firmware-sim/commune-snapshots.ts): six finished months and this month's closed days,
// taken by the roll-up as a commune's pushes are (in-process, without HTTP). It also registers the demo commune
// (Xã Tân Hòa) and keeps its push token owner-only, so the commune demo can push to it for real:
//   npm run province:demo
//   PROVINCE_URL=http://127.0.0.1:8090 PROVINCE_TOKEN=$(cat data/province-demo/xa-tan-hoa.token) npm run demo
// Env: DATA_DIR (default data/province-demo), HTTP_PORT (default 8090), HOST, INFLUX_URL,
// PROVINCE_ID and PROVINCE_NAME (default a demo Thanh Hóa), SIM_SEED.
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Auth } from '../controller/auth/auth.js';
import { generatePassword } from '../controller/auth/passwords.js';
import { writeFileAtomic } from '../controller/config/atomic.js';
import { parseEnv, provinceOptions } from '../controller/env.js';
import { addMonths, dayKeyOf, monthKey } from '../controller/indicators/period.js';
import { runUntilSignal } from '../controller/lifecycle.js';
import { Province } from '../controller/province/province.js';
import { localDate } from '../devices/local-time.js';
import { communePush, daysOf, simulatedProvince } from '../firmware-sim/commune-snapshots.js';

const env = parseEnv({ PLANE_MODE: 'province', PROVINCE_ID: 'thanh-hoa-demo', PROVINCE_NAME: 'Tỉnh Thanh Hóa (thử)', DATA_DIR: 'data/province-demo', HTTP_PORT: '8090', LOG_LEVEL: 'warn', ...process.env });
const log = pino({ level: env.LOG_LEVEL });
const seed = Number(process.env.SIM_SEED ?? 14);
const usersFile = join(env.DATA_DIR, 'demo-users.txt');
const DEMO_USERS = [
  { login: 'quan-tri-tinh', name: 'Quản trị tỉnh', role: 'admin' },
  { login: 'lanh-dao-tinh', name: 'Lãnh đạo tỉnh', role: 'official' },
] as const;
/** The commune demo's site (firmware-sim/fleet.ts), registered so it can push here. */
const DEMO_COMMUNE = { id: 'xa-tan-hoa', name: 'Xã Tân Hòa', district: 'Huyện Thử' };
const MONTHS = 6;
let newUsers: string[] = [];

async function seedUsers(auth: Auth): Promise<void> {
  if (auth.store.userCount() > 0) return;
  const lines = ['# Province demo users (made at first start)', ''];
  for (const u of DEMO_USERS) {
    const password = generatePassword();
    await auth.createUser('demo', { ...u, zones: [], password });
    lines.push(`${u.role.padEnd(9)} ${u.login.padEnd(14)} ${password}`);
  }
  await writeFileAtomic(usersFile, lines.join('\n') + '\n', 0o600);
  await chmod(usersFile, 0o600);
  newUsers = lines.slice(2);
}

await runUntilSignal(async () => {
  const province = new Province({ ...provinceOptions(env, log), seedUsers });
  await province.start();
  if (province.store.communes().length === 0) {
    const sim = simulatedProvince({ seed, communes: 100, districts: 10 });
    const t0 = performance.now();
    const today = localDate(new Date(), env.PROVINCE_TZ);
    const thisMonth = { year: today.year, month: today.month };
    const yesterday = dayKeyOf(localDate(new Date(), env.PROVINCE_TZ, -1));
    let pushes = 0;
    for (const c of sim.communes) {
      const t = province.auth.createToken('demo', { name: `commune ${c.id}`, role: 'commune' });
      // The simulated communes never push themselves: their tokens are made and forgotten.
      const rec = { id: c.id, name: c.name, district: c.district, tokenId: t.id, createdAt: Date.now(), lastHeardAt: null };
      province.store.insertCommune(rec);
      for (let i = MONTHS; i >= 1; i--) {
        await province.rollup.push(rec, communePush(c, { kind: 'month', month: monthKey(addMonths(thisMonth, -i)) }));
        pushes++;
      }
      for (const day of daysOf(monthKey(thisMonth)).filter((d) => d <= yesterday)) {
        await province.rollup.push(rec, communePush(c, { kind: 'day', day }));
        pushes++;
      }
      // Freshness with a spread: most heard lately, a few silent for days.
      const silentDays = c.seed % 13 === 0 ? 4 : c.seed % 7 === 0 ? 2 : 0;
      province.store.heard(c.id, Date.now() - silentDays * 86_400_000 - (c.seed % 600) * 60_000);
    }
    const token = province.auth.createToken('demo', { name: `commune ${DEMO_COMMUNE.id}`, role: 'commune' });
    province.store.insertCommune({ ...DEMO_COMMUNE, tokenId: token.id, createdAt: Date.now(), lastHeardAt: null });
    await writeFileAtomic(join(env.DATA_DIR, `${DEMO_COMMUNE.id}.token`), token.token + '\n', 0o600);
    console.log(`  ${sim.communes.length} simulated communes, ${pushes} snapshots taken in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const tokenFile = join(env.DATA_DIR, `${DEMO_COMMUNE.id}.token`);
  const hasToken = await readFile(tokenFile, 'utf8').then(() => true, () => false);
  console.log(`\n  Tỉnh / Province roll-up demo: ${env.PROVINCE_NAME}`);
  console.log(`  Các xã / Communes:  ${province.url}province.html`);
  console.log(`  API docs:           ${province.url}docs`);
  if (newUsers.length) {
    console.log('\n  Người dùng / Users (shown once; also in ' + usersFile + ', readable by you only):');
    for (const l of newUsers) console.log('    ' + l);
  } else console.log(`\n  Người dùng / Users: see ${usersFile}`);
  if (hasToken) {
    console.log(`\n  The commune demo pushes here with:`);
    console.log(`    PROVINCE_URL=${province.url.replace(/\/$/, '')} PROVINCE_TOKEN=$(cat ${tokenFile}) npm run demo`);
  }
  console.log('  Ctrl+C to stop.\n');
  return province;
}, log);
