/**
 * What the seeded data looks like, shared by the seeder and the variants: the vocabulary titles are
 * made of, the search terms, and the fixed secrets of the bench service.
 */

/** The service under test and the seeder share this, so seeded tokens are live for the service. */
export const benchSecret = 'bench-secret-not-for-production-0123456789';
/** Every Redis key of the bench lives under this prefix. */
export const benchKeyPrefix = 'bench:';
/** Every seeded user has this password (one argon2id hash, reused), for the login scenario. */
export const benchPassword = 'bench-password-1';
/** Users 1..owners post the demands; the others apply. */
export const ownerCount = 2_000;
/** Rows per page in every list variant. */
export const perPage = 20;

export const phoneOf = (userId: number) => `139${String(userId).padStart(8, '0')}`;

const cities = [
  '北京',
  '上海',
  '深圳',
  '杭州',
  '广州',
  '成都',
  '武汉',
  '南京',
  '西安',
  '重庆',
  '苏州',
  '天津',
];
const subjects = [
  '微信小程序',
  '企业官网',
  '电商平台',
  '数据标注',
  '短视频剪辑',
  '品牌标志',
  '宣传海报',
  '产品说明书',
  '英文翻译',
  '财务报表',
  '直播带货',
  '门店装修',
  '摄影修图',
  '客服外包',
  '课程录制',
  'React前端',
  'Java后端',
  '安卓应用',
  'iOS应用',
  '公众号运营',
  '三维建模',
  '动画制作',
  '文案撰写',
  '市场调研',
];
const actions = ['开发', '设计', '制作', '维护', '优化', '外包', '兼职', '项目'];
const suffixes = ['需求', '急招', '长期合作', '短期', '远程', '驻场'];
/** A word only about one title in a thousand holds: the rare search term. */
const rareWord = '量子计算';

/** The terms of the search variants: in ~1/8 of titles, in ~1/1000, and in none. */
export const searchTerms = {
  frequent: '开发',
  rare: '量子计算',
  // Its first and last pairs are common (开发, 海报), the middle one (发海) occurs nowhere.
  none: '开发海报',
} as const;

/** Deterministic pseudo-random numbers (mulberry32), so every seed of a scale is the same data. */
export function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick };
}

export type RandomSource = ReturnType<typeof randomSource>;

export function demandTitle(random: RandomSource, id: number): string {
  const rare = id % 1000 === 7 ? rareWord : '';
  return `${random.pick(cities)}${rare}${random.pick(subjects)}${random.pick(actions)}${random.pick(suffixes)}`;
}

const descriptionParts = [
  '需要有相关经验，能按时交付，沟通顺畅。',
  '预算可以商量，优先考虑有作品的个人或团队。',
  '工作内容包括需求沟通、方案设计、实施和验收。',
  '请在申请时附上过往案例，我们会尽快回复。',
  '要求代码规范、文档齐全，交付后提供一个月维护。',
];

export function demandDescription(random: RandomSource): string {
  return Array.from({ length: 3 }, () => random.pick(descriptionParts)).join('');
}
