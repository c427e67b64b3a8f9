// What the demo commune ships: the "Bão / Storm" scene and a few everyday rules (scripts/demo.ts
// saves them on a first start; tests and the storm benchmark use the same scene).
import type { RuleInput } from '../rules/schema.js';
import type { SceneInput } from './schema.js';

/** The emergency bulletin's words, from a template: the commune's name and the hours of the delay. */
export function stormText(o: { commune: string; rainDelayH: number }): string {
  return (
    `Kính thưa bà con ${o.commune}, bão đang đến gần địa phương. ` +
    'Đề nghị bà con chằng chống nhà cửa, gia cố chuồng trại và nhà màng, thu hoạch sớm hoa màu đã chín, ' +
    'không ra sông, ra đồng khi có gió mạnh, theo dõi thông báo trên loa truyền thanh của xã. ' +
    `Hệ thống tưới của xã tạm dừng ${o.rainDelayH} giờ, đèn đường bật sáng hết công suất cho đến khi có thông báo mới.`
  );
}

/**
 * "Bão / Storm": an emergency to every hamlet (an official's or admin's to run), every light to
 * 100 % until cleared, irrigation paused with a 24 h rain delay. Undo: lights back to their
 * programs, irrigation resumed, the rain delay lifted.
 */
export function stormScene(commune: string): SceneInput {
  const rainDelayH = 24;
  return {
    id: 'bao',
    name: 'Bão / Storm',
    description: 'Phát bản tin khẩn cấp toàn xã, bật sáng toàn bộ đèn đường, tạm dừng tưới và hoãn tưới 24 giờ.',
    confirm: 'Phát cảnh báo bão khẩn cấp tới mọi thôn, bật đèn đường 100 % và tạm dừng tưới?',
    actions: [
      { kind: 'bulletin', level: 'emergency', zones: ['commune'], title: 'Cảnh báo bão', text: stormText({ commune, rainDelayH }) },
      { kind: 'lighting-all', level: 100 },
      { kind: 'irrigation-pause' },
      { kind: 'irrigation-rain-delay', hours: rainDelayH },
    ],
    undo: [{ kind: 'lighting-resume' }, { kind: 'irrigation-resume' }, { kind: 'irrigation-rain-delay', hours: 0 }],
  };
}

/** Everyday rules for the demo commune (demoFleet's zones and devices), owned by its operator. */
export function demoRules(owner: string): RuleInput[] {
  return [
    {
      id: 'nha-mang-nong',
      name: 'Nhà màng quá nóng',
      owner,
      when: { kind: 'metric', select: { trait: 'soil-sensor' }, metric: 'airTempC', op: '>', value: 38, forS: 600, clear: { value: 35, forS: 300 } },
      then: [{ kind: 'alert', severity: 'warning', message: '{device}: {value} °C hơn 10 phút' }],
      cooldownS: 1800,
    },
    {
      id: 'cum-loa-mat-ket-noi',
      name: 'Cụm loa mất kết nối một giờ',
      owner,
      when: { kind: 'event', event: 'device-offline', forMin: 60, select: { type: 'loudspeaker' } },
      then: [{ kind: 'alert', severity: 'warning', message: '{device} mất kết nối hơn một giờ' }],
    },
    {
      id: 'dat-kho',
      name: 'Đất nhà màng khô',
      owner,
      when: { kind: 'metric', select: { trait: 'soil-sensor' }, metric: 'soilMoisturePct', op: '<', value: 20, aggregate: 'avg', forS: 1800, clear: { value: 25 } },
      then: [{ kind: 'alert', severity: 'info', message: 'Độ ẩm đất trung bình {value} %: xem lại lịch tưới' }],
      cooldownS: 6 * 3600,
    },
  ];
}
