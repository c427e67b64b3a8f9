// Every UI string, in Vietnamese first and English. Device type and capability labels are not
// here: they come from the API. What is here for device data is keyed by capability or state key
// (never by device type), and is only a fallback for what the API does not label yet.

const STORAGE_KEY = 'village.lang';
export const LANGS = /** @type {const} */ (['vi', 'en']);

export const strings = {
  appTitle: { vi: 'Bảng điều khiển làng thông minh', en: 'Smart village dashboard' },
  skipToContent: { vi: 'Tới danh sách thiết bị', en: 'Skip to devices' },
  langToggle: { vi: 'Switch to English', en: 'Chuyển sang tiếng Việt' },
  loading: { vi: 'Đang tải dữ liệu…', en: 'Loading…' },
  loadFailed: { vi: 'Không tải được dữ liệu từ máy chủ.', en: 'Could not load data from the server.' },
  retry: { vi: 'Thử lại', en: 'Retry' },

  'conn.connecting': { vi: 'Đang kết nối…', en: 'Connecting…' },
  'conn.live': { vi: 'Trực tiếp', en: 'Live' },
  'conn.lost': { vi: 'Mất kết nối', en: 'Disconnected' },
  connTitle: { vi: 'Kết nối cập nhật trực tiếp', en: 'Live update stream' },
  countOnline: { vi: '{n} trực tuyến', en: '{n} online' },
  countOffline: { vi: '{n} ngoại tuyến', en: '{n} offline' },
  countUnknown: { vi: '{n} chưa rõ', en: '{n} unknown' },

  'avail.online': { vi: 'Trực tuyến', en: 'Online' },
  'avail.offline': { vi: 'Ngoại tuyến', en: 'Offline' },
  'avail.unknown': { vi: 'Chưa rõ', en: 'Unknown' },
  lastSeen: { vi: 'Lần cuối: {when}', en: 'Last seen {when}' },
  neverSeen: { vi: 'Chưa nhận được tín hiệu', en: 'Never heard from' },

  filterType: { vi: 'Loại thiết bị', en: 'Device type' },
  allTypes: { vi: 'Tất cả các loại', en: 'All types' },
  search: { vi: 'Tìm kiếm', en: 'Search' },
  searchPlaceholder: { vi: 'Tên, mã, thôn, khu…', en: 'Name, id, hamlet, zone…' },
  noDevices: { vi: 'Chưa có thiết bị nào.', en: 'No devices yet.' },
  noMatch: { vi: 'Không có thiết bị phù hợp.', en: 'No matching devices.' },
  otherHamlet: { vi: 'Chưa xếp thôn', en: 'No hamlet' },
  deviceCount: { vi: '{n} thiết bị', en: '{n} devices' },
  hamletOffline: { vi: '{n} ngoại tuyến', en: '{n} offline' },
  zone: { vi: 'Khu {name}', en: 'Zone {name}' },

  readings: { vi: 'Số đo', en: 'Readings' },
  noReadings: { vi: 'Chưa có số đo.', en: 'No readings yet.' },
  reportedState: { vi: 'Trạng thái thiết bị báo về', en: 'State reported by the device' },
  noState: { vi: 'Thiết bị chưa báo trạng thái.', en: 'The device has not reported its state.' },
  staleState: {
    vi: 'Thiết bị ngoại tuyến: trạng thái này có thể đã cũ.',
    en: 'The device is offline: this state may be out of date.',
  },
  estimated: { vi: 'ước tính từ lần báo lúc {time}', en: 'estimated from the report at {time}' },

  control: { vi: 'Điều khiển', en: 'Control' },
  lastCommand: { vi: 'Lệnh gần nhất', en: 'Last command' },
  alsoPending: { vi: 'Lệnh khác đang chờ', en: 'Other pending commands' },
  offlineHint: {
    vi: 'Thiết bị đang ngoại tuyến: lệnh chỉ được thực hiện nếu thiết bị kết nối lại trước khi lệnh hết hạn.',
    en: 'The device is offline: a command is only carried out if it reconnects before the command expires.',
  },
  sentAt: { vi: 'gửi lúc {time}', en: 'sent {time}' },
  expiresAt: { vi: 'hết hạn lúc {time}', en: 'expires {time}' },
  settledAt: { vi: 'lúc {time}', en: 'at {time}' },
  byIssuer: { vi: 'bởi {who}', en: 'by {who}' },

  'cmd.sending': { vi: 'đang gửi…', en: 'sending…' },
  'cmd.pending': { vi: 'đang chờ', en: 'pending' },
  'cmd.applied': { vi: 'đã áp dụng', en: 'applied' },
  'cmd.rejected': { vi: 'bị từ chối', en: 'rejected' },
  'cmd.expired': { vi: 'hết hạn', en: 'expired' },
  'cmd.timeout': { vi: 'quá thời gian', en: 'timed out' },
  'cmd.unknown': { vi: 'không rõ kết quả', en: 'outcome unknown' },

  // Command buttons, by action name. An action not listed shows its own name.
  'action.open': { vi: 'Mở', en: 'Open' },
  'action.close': { vi: 'Đóng', en: 'Close' },
  'action.set': { vi: 'Đặt', en: 'Set' },
  'action.resume': { vi: 'Về lịch', en: 'Back to schedule' },
  'action.setVolume': { vi: 'Đặt âm lượng', en: 'Set volume' },
  'action.stop': { vi: 'Dừng phát', en: 'Stop' },
  'action.play': { vi: 'Phát', en: 'Play' },

  inMinutes: { vi: '{label} (phút)', en: '{label} (minutes)' },
  withUnit: { vi: '{label} ({unit})', en: '{label} ({unit})' },
  range: { vi: 'Từ {min} đến {max} {unit}', en: 'From {min} to {max} {unit}' },
  optional: { vi: '(không bắt buộc)', en: '(optional)' },
  notANumber: { vi: 'Hãy nhập một con số.', en: 'Please enter a number.' },
  sentSeconds: { vi: 'đã gửi {n} giây', en: 'sent as {n} s' },

  badRequest: { vi: 'Dữ liệu chưa hợp lệ:', en: 'Invalid input:' },
  refused: { vi: 'Lệnh bị từ chối:', en: 'Command refused:' },
  notFound: { vi: 'Không tìm thấy thiết bị.', en: 'Device not found.' },
  networkError: {
    vi: 'Không gửi được lệnh. Hãy kiểm tra kết nối rồi thử lại.',
    en: 'The command could not be sent. Check the connection and try again.',
  },
  serverError: { vi: 'Máy chủ báo lỗi ({status}).', en: 'Server error ({status}).' },

  'unit.h': { vi: 'giờ', en: 'h' },
  'unit.min': { vi: 'phút', en: 'min' },
  'unit.s': { vi: 'giây', en: 's' },
  yes: { vi: 'Có', en: 'Yes' },
  no: { vi: 'Không', en: 'No' },
};

/** Names of state fields and command parameters the API gives no capability for (by key). */
const keyLabels = {
  open: { vi: 'Van', en: 'Valve' },
  remainingS: { vi: 'Còn lại', en: 'Remaining' },
  runId: { vi: 'Lượt tưới', en: 'Run' },
  level: { vi: 'Độ sáng', en: 'Level' },
  mode: { vi: 'Chế độ', en: 'Mode' },
  overrideUntil: { vi: 'Điều khiển tay đến', en: 'Override until' },
  untilIso: { vi: 'Đến lúc', en: 'Until' },
  playing: { vi: 'Phát thanh', en: 'Playback' },
  broadcastId: { vi: 'Bản tin', en: 'Broadcast' },
  priority: { vi: 'Mức ưu tiên', en: 'Priority' },
  durationS: { vi: 'Thời gian', en: 'Duration' },
  volumePct: { vi: 'Âm lượng', en: 'Volume' },
};

/** Words for boolean and enum values, by capability or state key. */
const valueLabels = {
  open: { true: { vi: 'Đang mở', en: 'Open' }, false: { vi: 'Đã đóng', en: 'Closed' } },
  playing: { true: { vi: 'Đang phát', en: 'Playing' }, false: { vi: 'Không phát', en: 'Not playing' } },
  amplifierOk: { true: { vi: 'Bình thường', en: 'OK' }, false: { vi: 'Lỗi', en: 'Fault' } },
  mode: { program: { vi: 'Theo lịch', en: 'Schedule' }, override: { vi: 'Điều khiển tay', en: 'Manual override' } },
  priority: {
    normal: { vi: 'Thường', en: 'Normal' },
    priority: { vi: 'Ưu tiên', en: 'Priority' },
    emergency: { vi: 'Khẩn cấp', en: 'Emergency' },
  },
  lampStatus: {
    ok: { vi: 'Bình thường', en: 'OK' },
    lampFailure: { vi: 'Hỏng bóng', en: 'Lamp failure' },
    dimmingFailure: { vi: 'Lỗi điều chỉnh độ sáng', en: 'Dimming failure' },
    unexpectedOn: { vi: 'Sáng bất thường', en: 'On unexpectedly' },
  },
};

let current = readStoredLang();

function readStoredLang() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'vi' || v === 'en') return v;
  } catch {
    // storage blocked: fall back to Vietnamese
  }
  return 'vi';
}

export function getLang() {
  return current;
}

export function setLang(lang) {
  current = lang === 'en' ? 'en' : 'vi';
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // not kept; still switched for this page
  }
  document.documentElement.lang = current;
}

/** The locale for Intl formatting. */
export function locale() {
  return current === 'vi' ? 'vi-VN' : 'en-GB';
}

/** A {vi, en} label in the current language (falls back to the other one, then to `fallback`). */
export function pick(label, fallback = '') {
  if (!label || typeof label !== 'object') return typeof label === 'string' ? label : fallback;
  return label[current] ?? label.vi ?? label.en ?? fallback;
}

/** A UI string with {name} placeholders filled. An unknown key shows the key itself. */
export function t(key, vars) {
  const s = strings[key] ? pick(strings[key]) : key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function hasString(key) {
  return key in strings;
}

export function keyLabel(key) {
  return keyLabels[key] ? pick(keyLabels[key]) : key;
}

/** The word for a boolean or enum value of a key, or undefined when there is none. */
export function valueLabel(key, value) {
  const l = valueLabels[key]?.[String(value)];
  return l ? pick(l) : undefined;
}
