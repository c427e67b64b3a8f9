// The demo commune: the control plane plus a simulated fleet (3 hamlets, greenhouse sensors,
// a weather station, valves, ~40 street lights, ~10 loudspeaker clusters) in one process.
//   bash scripts/village.sh demo          (or: npm run demo)
// Env: DATA_DIR (default data/demo), HTTP_PORT, MQTT_PORT, HOST, INFLUX_URL, SIM_SPEED (default 30), SIM_SEED.
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { writeFileAtomic } from '../controller/config/atomic.js';
import { parseEnv, siteFileOf, villageOptions } from '../controller/env.js';
import { runUntilSignal } from '../controller/lifecycle.js';
import type { Auth } from '../controller/auth/auth.js';
import { generatePassword } from '../controller/auth/passwords.js';
import { Village } from '../controller/village.js';
import { demoRules, stormScene } from '../controller/scenes/demo.js';
import { indicators } from '../controller/indicators/index.js';
import { addMonths, type Month } from '../controller/indicators/period.js';
import { localParts } from '../devices/local-time.js';
import { demoFleet } from '../firmware-sim/fleet.js';
import { SimFleet } from '../firmware-sim/fleet-runner.js';
import { simulateIndicatorHistory } from '../firmware-sim/indicator-history.js';

const env = parseEnv({ DATA_DIR: 'data/demo', LOG_LEVEL: 'warn', ...process.env });
const speed = Number(process.env.SIM_SPEED ?? 30);
const seed = Number(process.env.SIM_SEED ?? 42);
const log = pino({ level: env.LOG_LEVEL });
const siteFile = siteFileOf(env);
// The simulated devices' own secrets: on real hardware these live in each device's flash.
const secretsFile = join(env.DATA_DIR, 'device-secrets.json');

const exists = (f: string) => stat(f).then(() => true, () => false);
// The demo's people, one of each role and a farmer with one greenhouse; their passwords are made
// here, printed once and kept owner-only beside the data. No password is fixed anywhere.
const usersFile = join(env.DATA_DIR, 'demo-users.txt');
const DEMO_USERS = [
  { login: 'quan-tri', name: 'Quản trị hệ thống', role: 'admin' },
  { login: 'can-bo-xa', name: 'Cán bộ xã', role: 'official' },
  { login: 'van-hanh', name: 'Cán bộ vận hành', role: 'operator' },
  { login: 'nong-dan', name: 'Nông dân nhà màng 3', role: 'farmer', zones: ['nha-mang-3'] },
  { login: 'thanh-tra', name: 'Thanh tra huyện', role: 'viewer' },
] as const;
let newUsers: string[] = [];
/** How many finished months of simulated indicator history a fresh demo starts with. */
const SIMULATED_MONTHS = 6;

async function seedDemoUsers(auth: Auth): Promise<void> {
  if (auth.store.userCount() > 0) return;
  const lines = ['# Demo users (made at first start; change the passwords on the admin page)', ''];
  for (const u of DEMO_USERS) {
    const password = generatePassword();
    await auth.createUser('demo', { ...u, zones: 'zones' in u ? [...u.zones] : [], password });
    lines.push(`${u.role.padEnd(9)} ${u.login.padEnd(10)} ${password}`);
  }
  await writeFileAtomic(usersFile, lines.join('\n') + '\n', 0o600);
  await chmod(usersFile, 0o600);
  newUsers = lines.slice(2);
}

await runUntilSignal(async () => {
  if (!(await exists(siteFile))) await writeFileAtomic(siteFile, JSON.stringify(demoFleet(seed), null, 2) + '\n');
  const village = new Village({ ...villageOptions(env, log), seedUsers: seedDemoUsers });
  await village.start();

  // Provision any device that has no working secret yet (first run, or a device added to the site).
  const secrets: Record<string, string> = (await exists(secretsFile)) ? JSON.parse(await readFile(secretsFile, 'utf8')) : {};
  let issued = 0;
  for (const d of village.site.config.devices) {
    const s = secrets[d.id];
    if (s && (await village.credentials.verify(d.id, s)) === 'device') continue;
    secrets[d.id] = await village.credentials.issue(d.id, 'device');
    issued++;
  }
  if (issued > 0) {
    await writeFileAtomic(secretsFile, JSON.stringify(secrets, null, 2) + '\n', 0o600);
    await chmod(secretsFile, 0o600);
  }

  // Two everyday programs, so the irrigation page has something to show on a first run.
  if (village.irrigation.programs().length === 0) {
    const everyDay = { kind: 'weekly' as const, days: [1, 2, 3, 4, 5, 6, 7] };
    await village.irrigation.putProgram({
      id: 'tuoi-sang',
      name: 'Tưới sáng nhà màng',
      calendar: everyDay,
      starts: [{ astro: 'sunrise', offsetMin: 30 }],
      steps: [
        { zone: 'nha-mang-3', durationS: 900 },
        { zone: 'nha-mang-4', durationS: 600 },
      ],
      weatherAdjust: true,
    });
    await village.irrigation.putProgram({
      id: 'tuoi-chieu',
      name: 'Tưới chiều ngoài đồng',
      calendar: { kind: 'interval', everyDays: 2, from: '2026-01-01' },
      starts: [{ at: '16:30' }],
      steps: [
        { zone: 'canh-dong-bac', durationS: 2400 },
        { zone: 'vuon-rau-trung', durationS: 1800 },
      ],
      weatherAdjust: true,
    });
  }

  // Street lighting: dusk to dawn, dimmed late at night; full brightness over Tết.
  if (village.lighting.programs().length === 0) {
    await village.lighting.putProgram({
      id: 'binh-thuong',
      name: 'Bình thường',
      steps: [
        { astro: 'sunset', offsetMin: -10, level: 100 },
        { at: '22:30', level: 50 },
        { at: '04:30', level: 80 },
        { astro: 'sunrise', offsetMin: 10, level: 0 },
      ],
    });
    await village.lighting.putProgram({
      id: 'le-tet',
      name: 'Lễ, Tết',
      steps: [
        { astro: 'sunset', offsetMin: -15, level: 100 },
        { astro: 'sunrise', offsetMin: 15, level: 0 },
      ],
    });
    const calendar = {
      rules: [
        { kind: 'lunar' as const, month: 1, day: 1, days: 3, program: 'le-tet' },
        { kind: 'dates' as const, from: '09-01', to: '09-02', program: 'le-tet' },
      ],
      default: 'binh-thuong',
    };
    for (const g of village.site.config.lightGroups) await village.lighting.setCalendar(g.id, calendar);
  }

  // The storm scene and a few everyday rules (the operator's), on a first start only.
  if (village.scenes.list().length === 0) await village.scenes.put(stormScene(village.site.config.site.name));
  const operator = village.auth.user('van-hanh');
  const admin = village.auth.user('quan-tri');
  if (operator && admin && village.rules.list(village.auth.actorOf(admin)).length === 0) {
    for (const r of demoRules(operator.login)) await village.rules.put(r, village.auth.actorOf(operator));
  }

  // The overview's trends: a fresh demo has no past months, so the six finished ones before this
  // month (at the site) get simulated figures, marked so in the data and on the page. Only when none
  // of them is stored: a restart, or a demo with real history, keeps what it has.
  const here = localParts(new Date(), village.site.config.site.tz);
  const past: Month[] = Array.from({ length: SIMULATED_MONTHS }, (_, i) => addMonths({ year: here.year, month: here.month }, i - SIMULATED_MONTHS));
  if ((await village.indicators.storedMonths(past)).length === 0) {
    const seeded = await village.indicators.seedSimulated(simulateIndicatorHistory({ site: village.site.config, indicators, months: past, seed }));
    if (seeded.length) console.log(`  Chỉ số / Indicators: simulated history seeded for ${seeded.length} past months (${seeded[0]} to ${seeded.at(-1)})`);
  }

  const fleet = new SimFleet({
    site: village.site.config,
    secrets,
    brokerUrl: `mqtt://127.0.0.1:${village.broker.port}`,
    seed,
    speed,
    logger: log.child({ module: 'firmware-sim' }),
  });
  fleet.start();

  // Commune radio: one bulletin waiting for an official's approval, so the page has work to show.
  // Drafted by the demo's operator, if one is left.
  const op = village.auth.user('van-hanh') ?? village.auth.store.users().find((u) => u.role === 'operator' && u.state === 'active');
  if (village.radio.bulletins().length === 0 && op) {
    const operator = village.auth.actorOf(op);
    try {
      const b = await village.radio.draft(operator, {
        title: 'Lịch tiêm phòng gia súc',
        level: 'normal',
        zones: ['commune'],
        content: { kind: 'text', text: 'Kính thưa bà con, sáng thứ bảy tuần này xã tổ chức tiêm phòng cho trâu bò tại nhà văn hóa các thôn. Đề nghị bà con đưa gia súc đến đúng giờ.' },
      });
      village.radio.submit(operator, b.id);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'demo bulletin not created');
    }
  }
  const n = village.site.config.devices.length;
  console.log(`\n  Làng thông minh / Smart village demo: ${village.site.config.site.name}`);
  console.log(`  ${n} simulated devices, physics ${speed}× real time`);
  console.log(`  Bảng điều khiển / Dashboard:  ${village.url}`);
  console.log(`  Tưới tiêu / Irrigation:       ${village.url}irrigation.html`);
  console.log(`  Chiếu sáng / Lighting:        ${village.url}lighting.html`);
  console.log(`  Truyền thanh / Commune radio: ${village.url}radio.html`);
  console.log(`  Tổng quan / Overview:         ${village.url}overview.html  (báo cáo tháng / monthly report: ${village.url}app/report.html)`);
  console.log(`  Cảnh báo / Alerts:            ${village.url}app/alerts.html`);
  console.log(`  Quy tắc / Rules:              ${village.url}app/rules.html`);
  console.log(`  Kịch bản / Scenes:            ${village.url}app/scenes.html  (Bão / Storm)`);
  console.log(`  API docs:                     ${village.url}docs`);
  console.log(`  MQTT:                         mqtt://127.0.0.1:${village.broker.port}  (ws: ${village.url}mqtt)`);
  if (newUsers.length) {
    console.log('\n  Người dùng / Users (shown once; also in ' + usersFile + ', readable by you only):');
    for (const l of newUsers) console.log('    ' + l);
  } else {
    console.log(`\n  Người dùng / Users: see ${usersFile}`);
  }
  console.log(`  Đăng nhập / Sign in:          ${village.url}signin.html`);
  console.log('  Ctrl+C to stop.\n');
  return {
    async stop() {
      await fleet.stop();
      await village.stop();
    },
  };
}, log);
