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

  // Page navigation (every page).
  navLabel: { vi: 'Các trang', en: 'Pages' },
  'nav.devices': { vi: 'Thiết bị', en: 'Devices' },
  'nav.irrigation': { vi: 'Tưới tiêu', en: 'Irrigation' },
  'nav.lighting': { vi: 'Chiếu sáng', en: 'Lighting' },

  // The irrigation page.
  'irr.title': { vi: 'Tưới tiêu', en: 'Irrigation' },
  'irr.skip': { vi: 'Tới hàng đợi tưới', en: 'Skip to the watering queue' },
  'irr.alerts': { vi: 'Cảnh báo', en: 'Alerts' },
  'irr.severity.critical': { vi: 'Nghiêm trọng', en: 'Critical' },
  'irr.severity.warning': { vi: 'Cảnh báo', en: 'Warning' },
  'irr.severity.info': { vi: 'Thông báo', en: 'Notice' },
  'irr.alert.leak': { vi: 'Có thể rò nước: {valve} báo có nước chảy khi van đang đóng', en: 'Possible leak: {valve} reports flow while closed' },
  'irr.alert.noFlow': { vi: 'Không có nước: {valve} đang mở nhưng không có nước chảy', en: 'No water: {valve} is open but nothing flows' },
  'irr.alert.runFailed': { vi: 'Lượt tưới ở {zone} bị lỗi', en: 'A run in {zone} failed' },

  'irr.queue': { vi: 'Hàng đợi tưới', en: 'Watering queue' },
  'irr.runningNow': { vi: 'Đang tưới', en: 'Running now' },
  'irr.upNext': { vi: 'Tiếp theo', en: 'Up next' },
  'irr.normal': { vi: 'Tưới tự động đang bật.', en: 'Automatic watering is on.' },
  'irr.paused': { vi: 'Đã tạm dừng: không lượt tưới nào được bắt đầu.', en: 'Paused: no run will start.' },
  'irr.rainUntil': { vi: 'Hoãn do mưa đến {time}', en: 'Rain delay until {time}' },
  'irr.noneRunning': { vi: 'Không có khu nào đang tưới.', en: 'No zone is being watered.' },
  'irr.queueEmpty': { vi: 'Không có lượt nào đang chờ.', en: 'Nothing is waiting.' },
  'irr.left': { vi: 'còn {time}', en: '{time} left' },
  'irr.planned': { vi: 'đặt {time}', en: 'set for {time}' },
  'irr.expected': { vi: 'dự kiến {time} ({rel})', en: 'expected {time} ({rel})' },
  'irr.startsSoon': { vi: 'sắp bắt đầu', en: 'starting soon' },
  'irr.waitResume': { vi: 'chờ tiếp tục', en: 'waiting for resume' },
  'irr.waitingFor': { vi: 'Chờ thiết bị ngoại tuyến: {list}', en: 'Waiting for offline devices: {list}' },
  'irr.stop': { vi: 'Dừng', en: 'Stop' },
  'irr.cancelOne': { vi: 'Bỏ lượt này', en: 'Remove' },
  'irr.pause': { vi: 'Tạm dừng', en: 'Pause' },
  'irr.resume': { vi: 'Tiếp tục', en: 'Resume' },
  'irr.cancelAll': { vi: 'Hủy tất cả', en: 'Cancel all' },
  'irr.confirmCancel': {
    vi: 'Hủy mọi lượt tưới đang chạy và đang chờ? Các van sẽ được đóng.',
    en: 'Cancel every running and waiting run? The valves will be closed.',
  },
  'irr.rainHours': { vi: 'Hoãn do mưa (giờ)', en: 'Rain delay (hours)' },
  'irr.rainDelay': { vi: 'Hoãn do mưa', en: 'Delay for rain' },
  'irr.rainHint': { vi: '0 giờ: bỏ hoãn. Tối đa 336 giờ (14 ngày).', en: '0 hours lifts the delay. At most 336 hours (14 days).' },

  'irr.reason.program': { vi: 'chương trình', en: 'program' },
  'irr.reason.manual': { vi: 'thủ công', en: 'manual' },
  'irr.reason.sensor': { vi: 'cảm biến', en: 'sensor' },
  'irr.status.queued': { vi: 'đang chờ', en: 'waiting' },
  'irr.status.starting': { vi: 'đang mở van…', en: 'opening valves…' },
  'irr.status.running': { vi: 'Đang tưới', en: 'Watering' },
  'irr.status.stopping': { vi: 'đang dừng…', en: 'stopping…' },
  'irr.status.done': { vi: 'xong', en: 'done' },
  'irr.status.cancelled': { vi: 'đã hủy', en: 'cancelled' },
  'irr.status.failed': { vi: 'lỗi', en: 'failed' },
  'irr.outcome.started': { vi: 'đã bắt đầu', en: 'started' },
  'irr.outcome.skipped': { vi: 'bỏ qua', en: 'skipped' },
  'irr.issuer.api': { vi: 'người dùng', en: 'a user' },
  'irr.issuer.program': { vi: 'chương trình “{name}”', en: 'program “{name}”' },
  'irr.issuer.sensor': { vi: 'cảm biến', en: 'the sensor' },
  'irr.note.cancelled': { vi: 'đã hủy bởi {who}', en: 'cancelled by {who}' },
  'irr.note.stopped': { vi: 'đã dừng bởi {who}', en: 'stopped by {who}' },
  'irr.note.paused': { vi: 'tạm dừng bởi {who}', en: 'paused by {who}' },
  'irr.note.afterPause': { vi: 'phần còn lại sau khi tạm dừng', en: 'the rest after a pause' },
  'irr.note.overdue': { vi: 'van không báo đóng đúng giờ: hệ thống đã đóng van', en: 'the valves did not report closed in time: closed by the system' },
  'irr.note.soilReached': { vi: 'đất đã đủ ẩm: {pct} % (mục tiêu {target} %)', en: 'soil reached {pct} % (target {target} %)' },
  'irr.note.capped': { vi: 'rút ngắn còn {max} (tối đa của khu)', en: "capped at the zone's maximum of {max}" },
  'irr.note.dry': { vi: 'đất khô {pct} % (dưới {below} %) trong {for}', en: 'soil at {pct} % (below {below} %) for {for}' },
  'irr.note.rainDelay': { vi: 'đang hoãn do mưa đến {time}', en: 'rain delay until {time}' },
  'irr.note.rain': { vi: 'trời mưa {mm} mm trong 24 giờ qua (ngưỡng {max} mm)', en: 'rain {mm} mm in the last 24 h (limit {max} mm)' },
  'irr.note.missed': { vi: 'lỡ giờ: bộ điều khiển không chạy lúc {time}', en: 'missed: the controller was not running at {time}' },
  'irr.note.bySensor': { vi: '{zone} được tưới theo cảm biến độ ẩm', en: '{zone} is watered by its soil sensors' },
  'irr.note.et0': { vi: 'bốc thoát hơi ET0 {mm} mm/ngày', en: 'ET0 {mm} mm/day' },
  'irr.note.noWeather': { vi: 'không có số liệu thời tiết: giữ nguyên mức nước', en: 'no weather data: water level unadjusted' },
  'irr.note.noStep': { vi: 'không có bước nào để tưới', en: 'no step to run' },
  'irr.note.noValve': { vi: 'khu này không có van', en: 'the zone has no valve' },

  'irr.zones': { vi: 'Khu tưới', en: 'Zones' },
  'irr.noZones': { vi: 'Chưa có khu tưới nào.', en: 'No zones yet.' },
  'irr.moisture': { vi: 'Độ ẩm đất', en: 'Soil moisture' },
  'irr.moisturePct': { vi: '{pct} % ({n} cảm biến)', en: '{pct} % ({n} sensors)' },
  'irr.moistureStale': { vi: 'cảm biến chưa báo số đo gần đây', en: 'no recent sensor reading' },
  'irr.noSensor': { vi: 'không có cảm biến', en: 'no sensor' },
  'irr.source': { vi: 'Nguồn nước', en: 'Water source' },
  'irr.noSource': { vi: 'chưa gán', en: 'none' },
  'irr.water7': { vi: 'Nước 7 ngày qua', en: 'Water, last 7 days' },
  'irr.perM2Day': { vi: 'L/m²/ngày', en: 'L/m²/day' },
  'irr.noData': { vi: 'chưa có số liệu', en: 'no data' },
  'irr.nextStart': { vi: 'Lịch tiếp theo', en: 'Next scheduled' },
  'irr.noNext': { vi: 'không có', en: 'none' },
  'irr.valves': { vi: 'Van (thiết bị báo về)', en: 'Valves (as reported)' },
  'irr.noValves': { vi: 'Khu này chưa có van.', en: 'This zone has no valve.' },
  'irr.valveOpen': { vi: 'Đang mở', en: 'Open' },
  'irr.valveClosed': { vi: 'Đã đóng', en: 'Closed' },
  'irr.noState': { vi: 'chưa báo trạng thái', en: 'no state yet' },
  'irr.watering': { vi: 'Tưới', en: 'Watering' },
  'irr.notWatering': { vi: 'Không tưới.', en: 'Not watering.' },
  'irr.queuedCount': { vi: '{n} lượt đang chờ', en: '{n} waiting' },
  'irr.minutes': { vi: 'Số phút', en: 'Minutes' },
  'irr.maxMinutes': { vi: 'Từ 1 đến {max} phút', en: 'From 1 to {max} minutes' },
  'irr.runNow': { vi: 'Tưới ngay', en: 'Water now' },
  'irr.queued': { vi: 'Đã xếp hàng: {zone}, {time}.', en: 'Queued: {zone}, {time}.' },
  'irr.stopped': { vi: 'Đã dừng tưới {zone}.', en: 'Stopped watering {zone}.' },
  'irr.sentAs': { vi: 'Đã gửi {min} phút = {s} giây.', en: 'Sent {min} min = {s} s.' },
  'irr.overMax': { vi: 'Khu này tưới tối đa {max} mỗi lượt.', en: 'This zone allows at most {max} per run.' },
  'irr.typeMinutes': { vi: 'Hãy nhập số phút.', en: 'Please type the minutes.' },
  'irr.sensorOn': {
    vi: 'Tưới theo cảm biến: bắt đầu khi đất dưới {below} % trong {for}, dừng khi đạt {stop} %; mỗi lượt tối đa {run}, cách nhau ít nhất {gap}, tối đa {max} lượt/ngày.',
    en: 'Sensor watering: starts when soil stays below {below} % for {for}, stops at {stop} %; at most {run} a run, at least {gap} apart, at most {max} runs a day.',
  },
  'irr.sensorOff': { vi: 'Tưới theo cảm biến: đang tắt.', en: 'Sensor watering: off.' },

  'irr.programs': { vi: 'Chương trình tưới', en: 'Programs' },
  'irr.newProgram': { vi: 'Thêm chương trình', en: 'New program' },
  'irr.noPrograms': { vi: 'Chưa có chương trình nào.', en: 'No programs yet.' },
  'irr.on': { vi: 'Đang bật', en: 'On' },
  'irr.off': { vi: 'Đang tắt', en: 'Off' },
  'irr.edit': { vi: 'Sửa', en: 'Edit' },
  'irr.delete': { vi: 'Xóa', en: 'Delete' },
  'irr.confirmDelete': { vi: 'Xóa chương trình “{name}”?', en: 'Delete the program “{name}”?' },
  'irr.levelAdjusted': { vi: '{pct} % (theo thời tiết, hiện {now} %)', en: '{pct} % (weather-adjusted, now {now} %)' },
  'irr.weatherOn': { vi: 'Điều chỉnh theo thời tiết', en: 'Adjusted by the weather' },
  'irr.cal.everyDay': { vi: 'Hằng ngày', en: 'Every day' },
  'irr.cal.interval': { vi: 'Mỗi {n} ngày, từ {from}', en: 'Every {n} days from {from}' },
  'irr.cal.once': { vi: 'Một lần, ngày {date}', en: 'Once, on {date}' },
  'irr.astro.sunrise': { vi: 'Bình minh', en: 'Sunrise' },
  'irr.astro.sunset': { vi: 'Hoàng hôn', en: 'Sunset' },
  'irr.day.1': { vi: 'T2', en: 'Mon' },
  'irr.day.2': { vi: 'T3', en: 'Tue' },
  'irr.day.3': { vi: 'T4', en: 'Wed' },
  'irr.day.4': { vi: 'T5', en: 'Thu' },
  'irr.day.5': { vi: 'T6', en: 'Fri' },
  'irr.day.6': { vi: 'T7', en: 'Sat' },
  'irr.day.7': { vi: 'CN', en: 'Sun' },
  'irr.dayLong.1': { vi: 'Thứ Hai', en: 'Monday' },
  'irr.dayLong.2': { vi: 'Thứ Ba', en: 'Tuesday' },
  'irr.dayLong.3': { vi: 'Thứ Tư', en: 'Wednesday' },
  'irr.dayLong.4': { vi: 'Thứ Năm', en: 'Thursday' },
  'irr.dayLong.5': { vi: 'Thứ Sáu', en: 'Friday' },
  'irr.dayLong.6': { vi: 'Thứ Bảy', en: 'Saturday' },
  'irr.dayLong.7': { vi: 'Chủ Nhật', en: 'Sunday' },

  'irr.form.create': { vi: 'Chương trình mới', en: 'New program' },
  'irr.form.editTitle': { vi: 'Sửa chương trình “{name}”', en: 'Edit program “{name}”' },
  'irr.form.basics': { vi: 'Thông tin chung', en: 'General' },
  'irr.form.name': { vi: 'Tên chương trình', en: 'Name' },
  'irr.form.id': { vi: 'Mã chương trình', en: 'Program id' },
  'irr.form.idHint': { vi: 'Chữ thường không dấu, số và dấu gạch ngang, ví dụ sang-som.', en: 'Lower-case letters, digits and dashes, e.g. early-morning.' },
  'irr.form.idFixed': { vi: 'Mã không đổi được sau khi tạo.', en: 'The id cannot change after creation.' },
  'irr.form.idMissing': { vi: 'hãy nhập mã (hoặc tên).', en: 'please type an id (or a name).' },
  'irr.form.idTaken': { vi: 'đã có chương trình mã {id}. Hãy chọn mã khác hoặc sửa chương trình đó.', en: 'a program {id} exists. Choose another id or edit that program.' },
  'irr.form.enabled': { vi: 'Bật chương trình', en: 'Enabled' },
  'irr.form.calendar': { vi: 'Lịch', en: 'Calendar' },
  'irr.form.kind': { vi: 'Kiểu lịch', en: 'Kind' },
  'irr.form.kind.weekly': { vi: 'Theo ngày trong tuần', en: 'Days of the week' },
  'irr.form.kind.interval': { vi: 'Cách N ngày', en: 'Every N days' },
  'irr.form.kind.once': { vi: 'Một lần', en: 'Once' },
  'irr.form.cal.kind': { vi: 'Kiểu lịch', en: 'Calendar kind' },
  'irr.form.cal.days': { vi: 'Các ngày tưới', en: 'Days' },
  'irr.form.cal.everyDays': { vi: 'Mỗi mấy ngày', en: 'Every how many days' },
  'irr.form.cal.from': { vi: 'Bắt đầu từ ngày', en: 'Counting from' },
  'irr.form.cal.date': { vi: 'Ngày tưới', en: 'Date' },
  'irr.form.starts': { vi: 'Giờ bắt đầu', en: 'Start times' },
  'irr.form.startN': { vi: 'Giờ bắt đầu {n}', en: 'Start {n}' },
  'irr.form.startKind.at': { vi: 'Giờ cố định', en: 'Fixed time' },
  'irr.form.startKind.sunrise': { vi: 'Bình minh ± phút', en: 'Sunrise ± minutes' },
  'irr.form.startKind.sunset': { vi: 'Hoàng hôn ± phút', en: 'Sunset ± minutes' },
  'irr.form.time': { vi: 'Giờ (HH:MM)', en: 'Time (HH:MM)' },
  'irr.form.offset': { vi: 'Lệch (phút, âm là trước)', en: 'Offset (minutes, negative is before)' },
  'irr.form.addStart': { vi: 'Thêm giờ bắt đầu', en: 'Add a start time' },
  'irr.form.startsHint': { vi: 'Tối đa {n} giờ bắt đầu mỗi ngày.', en: 'At most {n} start times a day.' },
  'irr.form.removeStart': { vi: 'Bỏ giờ bắt đầu {n}', en: 'Remove start {n}' },
  'irr.form.remove': { vi: 'Bỏ', en: 'Remove' },
  'irr.form.steps': { vi: 'Các bước tưới', en: 'Steps' },
  'irr.form.stepN': { vi: 'Bước {n}', en: 'Step {n}' },
  'irr.form.stepZone': { vi: 'Bước {n}: khu', en: 'Step {n}: zone' },
  'irr.form.zone': { vi: 'Khu', en: 'Zone' },
  'irr.form.minutes': { vi: 'Số phút', en: 'Minutes' },
  'irr.form.moveUp': { vi: 'Đưa bước {n} lên trước', en: 'Move step {n} up' },
  'irr.form.moveDown': { vi: 'Đưa bước {n} xuống sau', en: 'Move step {n} down' },
  'irr.form.removeStep': { vi: 'Bỏ bước {n}', en: 'Remove step {n}' },
  'irr.form.addStep': { vi: 'Thêm bước', en: 'Add a step' },
  'irr.form.stepsHint': { vi: 'Các bước chạy lần lượt theo thứ tự trên.', en: 'Steps run one after another in this order.' },
  'irr.form.water': { vi: 'Lượng nước', en: 'Water' },
  'irr.form.level': { vi: 'Mức nước', en: 'Water level' },
  'irr.form.levelPct': { vi: 'Mức nước (%)', en: 'Water level (%)' },
  'irr.form.levelHint': { vi: 'Từ 0 đến 250 %: nhân thời gian mọi bước (100 % là giữ nguyên).', en: 'From 0 to 250 %: scales every step (100 % keeps them as set).' },
  'irr.form.weather': { vi: 'Điều chỉnh theo thời tiết (bốc thoát hơi ET0)', en: 'Adjust by the weather (ET0)' },
  'irr.form.save': { vi: 'Lưu chương trình', en: 'Save program' },
  'irr.form.cancel': { vi: 'Hủy', en: 'Cancel' },
  'irr.form.saved': { vi: 'Đã lưu chương trình “{name}”.', en: 'Saved the program “{name}”.' },

  'irr.history': { vi: 'Lịch sử gần đây', en: 'Recent history' },
  'irr.noHistory': { vi: 'Chưa có lượt tưới nào.', en: 'No runs yet.' },
  'irr.ranFor': { vi: 'chạy {ran} / {planned}', en: 'ran {ran} of {planned}' },
  'irr.notStarted': { vi: 'chưa chạy', en: 'did not start' },
  'irr.levelAt': { vi: 'mức nước {pct} %', en: 'water level {pct} %' },
  'irr.err.network': { vi: 'Không gửi được. Hãy kiểm tra kết nối rồi thử lại.', en: 'Could not send. Check the connection and try again.' },
  'irr.err.notFound': { vi: 'Không tìm thấy:', en: 'Not found:' },

  // The street-lighting page.
  'lit.title': { vi: 'Chiếu sáng', en: 'Lighting' },
  'lit.skip': { vi: 'Tới các nhóm đèn', en: 'Skip to the light groups' },
  'lit.failures': { vi: 'Đèn hỏng, lỗi', en: 'Failed lamps' },
  'lit.noFailures': { vi: 'Không có đèn nào đang báo lỗi.', en: 'No lamp is reporting a fault.' },
  'lit.recentFailures': { vi: 'Lỗi đã hết gần đây ({n})', en: 'Recently cleared ({n})' },
  'lit.kind.lampFailure': { vi: 'Hỏng bóng', en: 'Lamp failure' },
  'lit.kind.dimmingFailure': { vi: 'Lỗi điều chỉnh độ sáng', en: 'Dimming failure' },
  'lit.kind.unexpectedOn': { vi: 'Sáng bất thường', en: 'On unexpectedly' },
  'lit.kind.offline': { vi: 'Mất kết nối', en: 'Offline' },
  'lit.kind.cyclingFailure': { vi: 'Bóng chập chờn', en: 'Lamp cycling' },
  'lit.since': { vi: 'từ {time}', en: 'since {time}' },
  'lit.fromTo': { vi: '{from} – {to}', en: '{from} – {to}' },

  'lit.groups': { vi: 'Nhóm đèn', en: 'Light groups' },
  'lit.noGroups': { vi: 'Chưa có nhóm đèn nào.', en: 'No light groups yet.' },
  'lit.lightCount': { vi: '{n} đèn', en: '{n} lights' },
  'lit.calendarOf': { vi: 'Lịch: {name}', en: 'Calendar: {name}' },
  'lit.noCalendar': { vi: 'chưa có lịch', en: 'no calendar' },
  'lit.count.on': { vi: '{n} sáng', en: '{n} on' },
  'lit.count.off': { vi: '{n} tắt', en: '{n} off' },
  'lit.count.failed': { vi: '{n} hỏng', en: '{n} failed' },
  'lit.count.offline': { vi: '{n} mất kết nối', en: '{n} offline' },
  'lit.count.unknown': { vi: '{n} chưa rõ', en: '{n} unknown' },
  'lit.reportedLevels': { vi: 'Độ sáng đèn báo về: {list}', en: 'Levels reported by the lights: {list}' },
  'lit.noReports': { vi: 'Chưa đèn nào báo độ sáng.', en: 'No light has reported its level yet.' },
  'lit.times': { vi: '{level} × {n}', en: '{level} × {n}' },
  'lit.groupOverride': { vi: 'Điều khiển tay cả nhóm: {level}', en: 'Whole group held by hand at {level}' },
  'lit.groupOverrideUntil': { vi: 'Điều khiển tay cả nhóm: {level} đến {time}', en: 'Whole group held by hand at {level} until {time}' },
  'lit.groupOnProgram': { vi: 'Nhóm đang chạy theo lịch.', en: 'The group follows its calendar.' },
  'lit.tonight': { vi: 'Tối nay: {name}', en: 'Tonight: {name}' },
  'lit.noTonight': {
    vi: 'Nhóm chưa có lịch: mỗi đèn tự chạy theo chương trình dự phòng của nó.',
    en: 'The group has no calendar: each light runs its own fallback profile.',
  },
  'lit.now': { vi: 'đang áp dụng', en: 'in force' },
  'lit.timelineLabel': { vi: 'Độ sáng theo giờ, từ 12:00 đến 12:00 hôm sau', en: 'Level by the hour, from noon to noon' },

  'lit.control': { vi: 'Điều khiển tay', en: 'Manual override' },
  'lit.levelPct': { vi: 'Độ sáng (%)', en: 'Level (%)' },
  'lit.until': { vi: 'Đến', en: 'Until' },
  'lit.until.none': { vi: 'Không hẹn giờ', en: 'No end' },
  'lit.until.time': { vi: 'Đến giờ…', en: 'Until a time…' },
  'lit.until.hours': { vi: 'Trong số giờ…', en: 'For some hours…' },
  'lit.until.h': { vi: '{n} giờ', en: '{n} h' },
  'lit.untilTime': { vi: 'Giờ kết thúc', en: 'End time' },
  'lit.untilHours': { vi: 'Số giờ', en: 'Hours' },
  'lit.untilHint': {
    vi: 'Không hẹn giờ: đèn giữ độ sáng này đến khi bấm “Về lịch”. Lệnh mới nhất (cho nhóm hay cho từng đèn) được áp dụng.',
    en: 'No end: the lights stay at this level until “Back to schedule”. The latest override (group or light) wins.',
  },
  'lit.set': { vi: 'Đặt độ sáng', en: 'Set level' },
  'lit.setShort': { vi: 'Đặt', en: 'Set' },
  'lit.resume': { vi: 'Về lịch', en: 'Back to schedule' },
  'lit.lightLevel': { vi: 'Độ sáng {name} (%)', en: '{name} level (%)' },
  'lit.lightUntil': { vi: 'Thời hạn cho {name}', en: 'How long for {name}' },
  'lit.sent': { vi: 'Đã gửi: {target} {level}.', en: 'Sent: {target} {level}.' },
  'lit.sentUntil': { vi: 'Đã gửi: {target} {level} đến {time}.', en: 'Sent: {target} {level} until {time}.' },
  'lit.sentResume': { vi: 'Đã gửi: {target} về lịch.', en: 'Sent: {target} back to schedule.' },
  'lit.sentNote': { vi: 'Độ sáng ở dưới là số đèn báo về.', en: 'The levels below are what the lights report.' },
  'lit.typeLevel': { vi: 'Hãy nhập độ sáng từ 0 đến 100 %.', en: 'Please type a level from 0 to 100 %.' },
  'lit.typeTime': { vi: 'Hãy chọn giờ kết thúc.', en: 'Please pick an end time.' },
  'lit.typeHours': { vi: 'Hãy nhập số giờ lớn hơn 0.', en: 'Please type a number of hours above 0.' },

  'lit.lights': { vi: 'Các đèn (đèn báo về)', en: 'Lights (as reported)' },
  'lit.mode.program': { vi: 'theo lịch', en: 'on schedule' },
  'lit.mode.override': { vi: 'điều khiển tay', en: 'manual' },
  'lit.mode.overrideUntil': { vi: 'điều khiển tay đến {time}', en: 'manual until {time}' },
  'lit.noState': { vi: 'chưa báo trạng thái', en: 'no state yet' },
  'lit.power': { vi: 'Công suất {w}', en: 'Power {w}' },
  'lit.meter': { vi: 'công tơ {kwh}', en: 'meter {kwh}' },
  'lit.wanted': { vi: 'Bộ điều khiển muốn {level} ({source}), đèn chưa báo mức này.', en: 'The controller wants {level} ({source}); the light has not reported it yet.' },
  'lit.source.override': { vi: 'điều khiển tay', en: 'manual' },
  'lit.source.program': { vi: 'theo lịch', en: 'schedule' },

  'lit.energy': { vi: 'Điện năng và tiết kiệm', en: 'Energy and savings' },
  'lit.energy.night': { vi: 'Đêm', en: 'Night' },
  'lit.energy.window': { vi: 'Đêm {date}: từ 12:00 ngày {date} đến 12:00 ngày {next}.', en: 'Night of {date}: from 12:00 on {date} to 12:00 on {next}.' },
  'lit.energy.none': { vi: 'Chưa có số liệu cho đêm {date}.', en: 'No data for the night of {date}.' },
  'lit.energy.kwh': { vi: 'Điện năng thực tế', en: 'Energy used' },
  'lit.energy.baseline': { vi: 'Nếu sáng 100 %', en: 'At full power' },
  'lit.energy.saved': { vi: 'Tiết kiệm', en: 'Saved' },
  'lit.energy.savedPct': { vi: '% tiết kiệm', en: '% saved' },
  'lit.energy.onHours': { vi: 'Giờ bật', en: 'Hours on' },
  'lit.energy.light': { vi: 'Đèn', en: 'Light' },
  'lit.energy.calc': { vi: '= {baseline} − {kwh}', en: '= {baseline} − {kwh}' },
  'lit.energy.defKwh': { vi: 'Điện năng thực tế: theo công tơ của từng đèn trong đêm.', en: "Energy used: from each light's own meter over the night." },
  'lit.energy.defBaseline': {
    vi: 'Nếu sáng 100 %: công suất định mức × số giờ chương trình bật đèn.',
    en: 'At full power: rated power × the hours the program had the lamp on.',
  },
  'lit.energy.defSaved': {
    vi: 'Tiết kiệm = điện năng nếu sáng 100 % suốt thời gian chương trình bật − điện năng thực tế; % tiết kiệm = tiết kiệm ÷ điện năng nếu sáng 100 %.',
    en: 'Saved = the energy at 100 % for all the hours the program had the lamps on − the energy used; % saved = saved ÷ energy at 100 %.',
  },
  'lit.energy.bar': { vi: 'Dùng {pct} so với mức sáng 100 %', en: 'Used {pct} of full power' },

  'lit.programs': { vi: 'Chương trình chiếu sáng', en: 'Lighting programs' },
  'lit.newProgram': { vi: 'Thêm chương trình', en: 'New program' },
  'lit.noPrograms': { vi: 'Chưa có chương trình nào.', en: 'No programs yet.' },
  'lit.usedBy': { vi: 'Dùng cho: {list}', en: 'Used by: {list}' },
  'lit.unused': { vi: 'Chưa nhóm nào dùng.', en: 'Not used by any group.' },
  'lit.asDefault': { vi: '{name} (mặc định)', en: '{name} (default)' },
  'lit.edit': { vi: 'Sửa', en: 'Edit' },
  'lit.delete': { vi: 'Xóa', en: 'Delete' },
  'lit.confirmDelete': { vi: 'Xóa chương trình “{name}”?', en: 'Delete the program “{name}”?' },
  'lit.astro.sunset': { vi: 'Hoàng hôn', en: 'Sunset' },
  'lit.astro.sunrise': { vi: 'Bình minh', en: 'Sunrise' },

  'lit.form.create': { vi: 'Chương trình mới', en: 'New program' },
  'lit.form.editTitle': { vi: 'Sửa chương trình “{name}”', en: 'Edit program “{name}”' },
  'lit.form.name': { vi: 'Tên chương trình', en: 'Name' },
  'lit.form.id': { vi: 'Mã chương trình', en: 'Program id' },
  'lit.form.idHint': { vi: 'Chữ thường không dấu, số và dấu gạch ngang, ví dụ dem-thuong.', en: 'Lower-case letters, digits and dashes, e.g. normal-night.' },
  'lit.form.idFixed': { vi: 'Mã không đổi được sau khi tạo.', en: 'The id cannot change after creation.' },
  'lit.form.idMissing': { vi: 'hãy nhập mã (hoặc tên).', en: 'please type an id (or a name).' },
  'lit.form.idTaken': { vi: 'đã có chương trình mã {id}. Hãy chọn mã khác hoặc sửa chương trình đó.', en: 'a program {id} exists. Choose another id or edit that program.' },
  'lit.form.steps': { vi: 'Các bước', en: 'Steps' },
  'lit.form.stepN': { vi: 'Bước {n}', en: 'Step {n}' },
  'lit.form.stepKind': { vi: 'Bước {n}: lúc', en: 'Step {n}: when' },
  'lit.form.kind.at': { vi: 'Giờ cố định', en: 'Fixed time' },
  'lit.form.kind.sunset': { vi: 'Hoàng hôn ± phút', en: 'Sunset ± minutes' },
  'lit.form.kind.sunrise': { vi: 'Bình minh ± phút', en: 'Sunrise ± minutes' },
  'lit.form.time': { vi: 'Giờ (HH:MM)', en: 'Time (HH:MM)' },
  'lit.form.offset': { vi: 'Lệch (phút, âm là trước)', en: 'Offset (minutes, negative is before)' },
  'lit.form.level': { vi: 'Độ sáng (%)', en: 'Level (%)' },
  'lit.form.moveUp': { vi: 'Đưa bước {n} lên trước', en: 'Move step {n} up' },
  'lit.form.moveDown': { vi: 'Đưa bước {n} xuống sau', en: 'Move step {n} down' },
  'lit.form.removeStep': { vi: 'Bỏ bước {n}', en: 'Remove step {n}' },
  'lit.form.remove': { vi: 'Bỏ', en: 'Remove' },
  'lit.form.addStep': { vi: 'Thêm bước', en: 'Add a step' },
  'lit.form.stepsHint': {
    vi: 'Độ sáng đang áp dụng là của bước gần nhất đã qua (kể cả qua nửa đêm). Tối đa {n} bước; lệch từ −180 đến 180 phút.',
    en: 'The level in force is the latest step passed (across midnight). At most {n} steps; offsets from −180 to 180 minutes.',
  },
  'lit.form.save': { vi: 'Lưu chương trình', en: 'Save program' },
  'lit.form.cancel': { vi: 'Hủy', en: 'Cancel' },
  'lit.form.saved': { vi: 'Đã lưu chương trình “{name}”.', en: 'Saved the program “{name}”.' },

  'lit.calendars': { vi: 'Lịch theo nhóm đèn', en: 'Calendars by group' },
  'lit.cal.otherNights': { vi: 'Các đêm còn lại: {name}', en: 'Any other night: {name}' },
  'lit.cal.none': { vi: 'Chưa có lịch: đèn chạy theo chương trình dự phòng của chính nó.', en: 'No calendar: the lights run their own fallback profile.' },
  'lit.cal.edit': { vi: 'Sửa lịch', en: 'Edit calendar' },
  'lit.cal.create': { vi: 'Đặt lịch', en: 'Set a calendar' },
  'lit.cal.needProgram': { vi: 'Hãy tạo một chương trình trước.', en: 'Create a program first.' },
  'lit.cal.title': { vi: 'Lịch của nhóm “{name}”', en: 'Calendar of “{name}”' },
  'lit.cal.rules': { vi: 'Quy tắc (theo thứ tự)', en: 'Rules (in order)' },
  'lit.cal.ruleN': { vi: 'Quy tắc {n}', en: 'Rule {n}' },
  'lit.cal.ruleKind': { vi: 'Quy tắc {n}: kiểu', en: 'Rule {n}: kind' },
  'lit.cal.kind.weekdays': { vi: 'Các ngày trong tuần', en: 'Days of the week' },
  'lit.cal.kind.dates': { vi: 'Khoảng ngày', en: 'Date range' },
  'lit.cal.kind.lunar': { vi: 'Ngày âm lịch', en: 'Lunar date' },
  'lit.cal.days': { vi: 'Các ngày', en: 'Days' },
  'lit.cal.from': { vi: 'Từ ngày', en: 'From' },
  'lit.cal.to': { vi: 'Đến ngày', en: 'To' },
  'lit.cal.dateHint': {
    vi: 'Ngày/tháng, ví dụ 30/04 (mỗi năm); thêm năm nếu chỉ một lần: 30/04/2026.',
    en: 'Day/month, e.g. 30/04 (every year); add the year for once only: 30/04/2026.',
  },
  'lit.cal.lunarMonth': { vi: 'Tháng âm lịch', en: 'Lunar month' },
  'lit.cal.lunarDay': { vi: 'Ngày âm lịch', en: 'Lunar day' },
  'lit.cal.lunarDays': { vi: 'Số đêm', en: 'Nights' },
  'lit.cal.program': { vi: 'Chương trình', en: 'Program' },
  'lit.cal.default': { vi: 'Các đêm còn lại dùng', en: 'Any other night uses' },
  'lit.cal.addRule': { vi: 'Thêm quy tắc', en: 'Add a rule' },
  'lit.cal.moveUp': { vi: 'Đưa quy tắc {n} lên trước', en: 'Move rule {n} up' },
  'lit.cal.moveDown': { vi: 'Đưa quy tắc {n} xuống sau', en: 'Move rule {n} down' },
  'lit.cal.removeRule': { vi: 'Bỏ quy tắc {n}', en: 'Remove rule {n}' },
  'lit.cal.hint': {
    vi: 'Quy tắc đầu tiên khớp với ngày của đêm được dùng; không khớp quy tắc nào thì dùng chương trình mặc định. Một đêm mang ngày của buổi tối.',
    en: "The first rule matching the night's date is used; otherwise the default program. A night carries the date of its evening.",
  },
  'lit.cal.save': { vi: 'Lưu lịch', en: 'Save calendar' },
  'lit.cal.saved': { vi: 'Đã lưu lịch của nhóm “{name}”.', en: 'Saved the calendar of “{name}”.' },
  'lit.cal.weekdays': { vi: '{days}', en: '{days}' },
  'lit.cal.everyDay': { vi: 'Mọi ngày', en: 'Every day' },
  'lit.cal.range': { vi: '{from} – {to}', en: '{from} – {to}' },
  'lit.cal.lunar': { vi: 'Âm lịch {day}/{month}, {n} đêm', en: 'Lunar {day}/{month}, {n} nights' },
  'lit.cal.rule': { vi: '{when}: {program}', en: '{when}: {program}' },

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
