/** Word lists of the synthetic recall set (bench/memory-recall/dataset.ts). */
export const cities = [
  'Porto',
  'Tallinn',
  'Valparaiso',
  'Kyoto',
  'Ghent',
  'Tbilisi',
  'Oaxaca',
  'Bergen',
  'Hobart',
  'Leipzig',
  'Lisbon',
  'Krakow',
  'Seville',
  'Bruges',
  'Split',
  'Turku',
];
export const companies = [
  'Quillfeather',
  'Brightloom',
  'Nortwind Freight',
  'Cobaltline',
  'Harbor & Finch',
  'Tessellate',
];
export const pets = ['Biscuit', 'Pepper', 'Juniper', 'Waffles', 'Orzo', 'Clementine'];
export const instruments = ['cello', 'banjo', 'ukulele', 'oboe', 'harmonica', 'accordion'];
export const months = ['March', 'June', 'September', 'November'];
export const codenames = ['Kestrel', 'Falcon', 'Osprey', 'Heron', 'Plover', 'Merlin', 'Shrike', 'Avocet'];
export const services = [
  'ledger',
  'ingest',
  'notifier',
  'thumbnailer',
  'geocoder',
  'scheduler',
  'mailer',
  'indexer',
];
export const people = ['Ravi', 'Ines', 'Tomasz', 'Yuki', 'Farah', 'Bruno', 'Linnea', 'Kofi'];
export const teams = ['platform', 'payments', 'growth', 'data', 'mobile', 'infra', 'search', 'identity'];
export const orders = ['4471', '4417', '4714', '4741', '7441', '7414', '1447', '1474'];

/** Outings whose outcome is only in the reply turn (neighbour questions). */
export const outings = [
  { who: 'nephews', place: 'planetarium' },
  { who: 'parents', place: 'botanical garden' },
  { who: 'colleagues', place: 'escape room' },
  { who: 'grandmother', place: 'aquarium' },
  { who: 'cousins', place: 'climbing gym' },
  { who: 'neighbours', place: 'jazz festival' },
];
export const reactions = [
  'They were awestruck and did not want to leave.',
  'Honestly they were bored after twenty minutes.',
  'They were thrilled, we stayed until closing time.',
  'They got a bit scared at first but loved it in the end.',
  'They were exhausted and fell asleep on the way home.',
  'They were delighted and already want to go again.',
];

/** When, relative to its session, an activity happened (temporal questions). */
export const relativeDays = [
  { text: 'Yesterday', days: 1 },
  { text: 'Last week', days: 7 },
  { text: 'This morning', days: 0 },
  { text: 'Two days ago', days: 2 },
];
export const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export const userFillers = [
  'Can you help me refactor the {c} module?',
  'The {c} tests are failing after the {x} change.',
  "Let's look at the {c} logs from yesterday.",
  'What would you suggest for the {x} handling in {c}?',
  'Please summarize the open questions about {c}.',
  'Is the {x} change in {c} safe to merge?',
];
export const assistantFillers = [
  'Sure. I would start by checking the {c} configuration and the recent {x} commits.',
  'The {c} failures look related to the {x} change; a targeted rollback would confirm it.',
  'Here is a plan: isolate {c}, add a test for {x}, then re-run the suite.',
  'I reviewed the {c} module; the {x} path has two edge cases worth covering.',
];
export const components = ['parser', 'billing', 'search', 'auth', 'exporter', 'gateway', 'renderer', 'cache'];
export const changes = ['logging', 'retry', 'pagination', 'timeout', 'schema', 'dependency', 'config'];
