// The environment: new settings parse and reach the village's options; bad pairs are refused.
import { pino } from 'pino';
import { expect, test } from 'vitest';
import { parseEnv, provinceOptions, villageOptions } from '../../controller/env.js';

const log = pino({ level: 'silent' });

test('MQTT_MAX_CONNECTIONS and the session limits reach the village', () => {
  const o = villageOptions(parseEnv({ MQTT_MAX_CONNECTIONS: '30000', SESSION_IDLE_MIN: '30', SESSION_MAX_HOURS: '8' }), log);
  expect(o.brokerLimits?.maxConnections).toBe(30_000);
  expect(o.auth).toMatchObject({ sessionIdleMs: 30 * 60_000, sessionMaxMs: 8 * 3600_000 });
  expect(villageOptions(parseEnv({}), log).brokerLimits?.maxConnections).toBe(20_000);
  expect(villageOptions(parseEnv({}), log).tls).toBeUndefined();
});

test('the per-device publish allowance is a setting, 50/s with a burst of 200 unless set', () => {
  expect(villageOptions(parseEnv({ MQTT_RATE_PER_S: '400', MQTT_RATE_BURST: '800' }), log).brokerLimits?.rate).toEqual({ ratePerS: 400, burst: 800, maxDebtS: 2 });
  expect(villageOptions(parseEnv({}), log).brokerLimits?.rate).toMatchObject({ ratePerS: 50, burst: 200 });
  expect(() => parseEnv({ MQTT_RATE_PER_S: '0' })).toThrow(/MQTT_RATE_PER_S/);
});

test('TLS needs both files; bad numbers are refused with their path', () => {
  expect(() => parseEnv({ TLS_CERT: 'cert.pem' })).toThrow(/TLS_CERT: set both TLS_CERT and TLS_KEY/);
  expect(() => parseEnv({ MQTT_MAX_CONNECTIONS: '5' })).toThrow(/MQTT_MAX_CONNECTIONS/);
  expect(() => parseEnv({ SESSION_IDLE_MIN: 'soon' })).toThrow(/SESSION_IDLE_MIN/);
});

test('INFLUX_TOKEN, INFLUX_ORG and INFLUX_BUCKET select the v2 writer, all three with INFLUX_URL or none', () => {
  const v2 = { INFLUX_URL: 'https://influx.example:8086', INFLUX_TOKEN: 't0k', INFLUX_ORG: 'xa-thu', INFLUX_BUCKET: 'village' };
  expect(villageOptions(parseEnv(v2), log).influxV2).toEqual({ token: 't0k', org: 'xa-thu', bucket: 'village' });
  expect(villageOptions(parseEnv({ ...v2, INFLUX_ARCHIVE_BUCKET: 'village-10y' }), log).influxV2).toMatchObject({ archiveBucket: 'village-10y' });
  expect(villageOptions(parseEnv({ INFLUX_URL: v2.INFLUX_URL }), log).influxV2).toBeUndefined();
  expect(() => parseEnv({ ...v2, INFLUX_ORG: undefined })).toThrow(/INFLUX_TOKEN: InfluxDB 2.x needs all of/);
  expect(() => parseEnv({ ...v2, INFLUX_URL: undefined })).toThrow(/INFLUX_URL: INFLUX_TOKEN needs INFLUX_URL/);
  expect(() => parseEnv({ INFLUX_URL: v2.INFLUX_URL, INFLUX_ARCHIVE_BUCKET: 'a' })).toThrow(/INFLUX_ARCHIVE_BUCKET needs INFLUX_BUCKET/);
});

test('BROKER=external needs MQTT_URL and a dynamic-security admin; embedded stays the default', () => {
  expect(villageOptions(parseEnv({}), log).externalBroker).toBeUndefined();
  expect(() => parseEnv({ BROKER: 'external' })).toThrow(/MQTT_URL: BROKER=external needs MQTT_URL/);
  expect(() => parseEnv({ BROKER: 'external', MQTT_URL: 'mqtt://10.0.0.2:1883' })).toThrow(/MQTT_ADMIN_USER: BROKER=external needs/);
  expect(() => parseEnv({ BROKER: 'external', MQTT_URL: 'http://x', MQTT_ADMIN_USER: 'a', MQTT_ADMIN_PASSWORD: 'b' })).toThrow(/MQTT_URL/);
  const env = parseEnv({ BROKER: 'external', MQTT_URL: 'mqtts://broker.lan:8883', MQTT_ADMIN_USER: 'village-admin', MQTT_ADMIN_PASSWORD: 'x'.repeat(20) });
  expect(villageOptions(env, log).externalBroker).toEqual({ url: 'mqtts://broker.lan:8883', adminUser: 'village-admin', adminPassword: 'x'.repeat(20) });
  // Two broker processes on Redis share the embedded broker's router: not with Mosquitto.
  expect(() => parseEnv({ BROKER: 'external', MQTT_URL: 'mqtt://10.0.0.2:1883', MQTT_ADMIN_USER: 'a', MQTT_ADMIN_PASSWORD: 'b', MQTT_CLUSTER: 'redis://10.0.0.3:6379' })).toThrow(/MQTT_CLUSTER: MQTT_CLUSTER is for the embedded broker/);
});

test('PLANE_MODE=province needs its id and name; a commune pushes with PROVINCE_URL and PROVINCE_TOKEN together', () => {
  expect(parseEnv({}).PLANE_MODE).toBe('commune');
  expect(() => parseEnv({ PLANE_MODE: 'province' })).toThrow(/PROVINCE_ID: PLANE_MODE=province needs PROVINCE_ID and PROVINCE_NAME/);
  const p = provinceOptions(parseEnv({ PLANE_MODE: 'province', PROVINCE_ID: 'thanh-hoa', PROVINCE_NAME: 'Tỉnh Thanh Hóa', HTTP_PORT: '9090' }), log);
  expect(p).toMatchObject({ province: { id: 'thanh-hoa', name: 'Tỉnh Thanh Hóa', tz: 'Asia/Ho_Chi_Minh' }, httpPort: 9090 });
  expect(() => parseEnv({ PROVINCE_URL: 'https://tinh.example' })).toThrow(/PROVINCE_URL: set both PROVINCE_URL and PROVINCE_TOKEN/);
  expect(() => parseEnv({ PROVINCE_URL: 'https://tinh.example', PROVINCE_TOKEN: 'secret' })).toThrow(/PROVINCE_TOKEN/);
  expect(villageOptions(parseEnv({ PROVINCE_URL: 'https://tinh.example', PROVINCE_TOKEN: 'svt_a_b' }), log).province).toEqual({ url: 'https://tinh.example', token: 'svt_a_b' });
  expect(() => parseEnv({ PLANE_MODE: 'province', PROVINCE_ID: 'thanh-hoa', PROVINCE_NAME: 'T', PROVINCE_URL: 'https://x.example', PROVINCE_TOKEN: 'svt_a_b' })).toThrow(/a province does not push/);
});
