// What an alert is about, as a code with its parameters: pages translate these (their own words,
// in Vietnamese first) instead of parsing the server's English `message`, which stays for logs
// and the InfluxDB record. One zod union, shared by the bus and the API contract.
import { z } from 'zod';

const device = z.string();

export const AlertWhat = z.discriminatedUnion('code', [
  z.object({ code: z.literal('light-lamp-failure'), device }),
  z.object({ code: z.literal('light-dimming-failure'), device }),
  z.object({ code: z.literal('light-unexpected-on'), device }),
  z.object({ code: z.literal('light-offline'), device }),
  /** Water flowing through a closed valve. */
  z.object({ code: z.literal('flow-leak'), device, flowLpm: z.number() }),
  /** No water through an open valve. */
  z.object({ code: z.literal('flow-none'), device, flowLpm: z.number() }),
  /** A run's valves did not all open; `status` is the failing command's. */
  z.object({ code: z.literal('irrigation-run-failed'), zone: z.string(), device, status: z.string() }),
  /** InfluxDB unreachable and the spool full: the oldest points were dropped. */
  z.object({ code: z.literal('storage-spool-full'), dropped: z.number().int() }),
  z.object({ code: z.literal('radio-offline'), device }),
  z.object({ code: z.literal('radio-amplifier'), device }),
  /**
   * The broker refused one source over a threshold in a sliding minute: a device id it knows, or an
   * address (`ip`) for ids it does not. `count` is the refusals in the minute when last seen.
   */
  z.object({ code: z.literal('broker-auth-failures'), clientId: z.string().optional(), ip: z.string().optional(), count: z.number().int() }),
  z.object({ code: z.literal('broker-denied-topics'), clientId: z.string().optional(), ip: z.string().optional(), count: z.number().int() }),
  z.object({ code: z.literal('broker-rate-limited'), clientId: z.string().optional(), ip: z.string().optional(), count: z.number().int() }),
  /** A rule's alert action: `text` is its message template rendered (controller/rules/). */
  z.object({ code: z.literal('rule'), rule: z.string(), name: z.string(), text: z.string() }),
  /** A scene's alert action: active until the scene's undo runs (controller/scenes/). */
  z.object({ code: z.literal('scene'), scene: z.string(), name: z.string(), text: z.string() }),
]);
export type AlertWhat = z.infer<typeof AlertWhat>;
export type AlertCode = AlertWhat['code'];

/**
 * Codes that a plane restart sets off by itself: devices reconnecting drop and come back. Raised in
 * the grace after start, they are held and raised only if still on when the grace ends.
 */
export const RECONNECT_CODES: ReadonlySet<AlertCode> = new Set<AlertCode>(['light-offline', 'radio-offline']);
