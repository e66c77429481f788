import type { LegacyDatabase } from './legacy-db.js';

/**
 * Fills an old database with a deployment's worth of clean rows: users with tokens and MD5
 * passwords, wallets, recharges, person records and skills, demands with Chinese titles and
 * attachments, applications (some selected, delivered and paid). Deterministic, so a test can say
 * what it comes to. For the import's interrupted-run test and its benchmark.
 */
export interface BulkSize {
  readonly users: number;
  readonly demands: number;
}

export interface BulkCounts {
  readonly users: number;
  readonly persons: number;
  readonly skills: number;
  readonly demands: number;
  readonly demandFiles: number;
  readonly applications: number;
  readonly accounts: number;
  readonly recharges: number;
  /** Every row of every table. */
  readonly rows: number;
}

const titles = [
  '企业官网开发',
  '微信小程序',
  '宣传海报设计',
  '数据录入',
  '视频剪辑',
  '安卓应用维护',
  '文案撰写',
  'Logo设计',
];
const cities = ['上海', '北京', '深圳', '广州', '杭州', '成都'];
const names = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄'];
const start = 1_546_300_800; // 2019-01-01

export async function fillBulk(db: LegacyDatabase, size: BulkSize): Promise<BulkCounts> {
  const users = Array.from({ length: size.users }, (_, i) => {
    const id = i + 1;
    return {
      id,
      phone: `139${String(id).padStart(8, '0')}`,
      email: '',
      password: (id * 2_654_435_761).toString(16).padStart(32, '0').slice(-32),
      token: `t${String(id).padStart(31, '0')}`,
      smscode: '',
      face: id % 4 === 0 ? `/uploads/face/${id}.png` : '',
      address: `${cities[id % cities.length]}市`,
      usertype: id % 5 === 0 ? 2 : 1,
      userstate: id % 3 === 0 ? 1 : 0,
    };
  });
  await db.insert('users', users);

  const persons = users
    .filter((u) => u.usertype === 1 && u.id % 2 === 0)
    .map((u, i) => ({
      id: i + 1,
      user_id: u.id,
      name: `${names[u.id % names.length]}${u.id}`,
      code: '',
      pic: `/uploads/person/${u.id}a.jpg,/uploads/person/${u.id}b.jpg`,
      picf: '',
      job: '开发',
      jobname: '1',
      jtype: '兼职',
      jtime: '2019-03-01,2019-12-31',
      timelong: '20',
      jobarea: cities[u.id % cities.length] ?? '',
      jobaddress: '',
      money: '300.00',
      des: '熟悉前后端开发',
      state: u.userstate,
    }));
  await db.insert('h_user_person', persons);
  const skills = persons.flatMap((p, i) => [
    { id: 2 * i + 1, user_id: p.user_id, name: 'PHP', fen: 5 },
    { id: 2 * i + 2, user_id: p.user_id, name: '设计', fen: 3 },
  ]);
  await db.insert('h_user_person_ji', skills);

  const companies = users.filter((u) => u.usertype === 2).map((u) => u.id);
  const people = users.filter((u) => u.usertype === 1).map((u) => u.id);
  let demandFiles = 0;
  let applications = 0;
  for (let from = 1; from <= size.demands; from += 5000) {
    const ids = Array.from({ length: Math.min(5000, size.demands - from + 1) }, (_, i) => from + i);
    const goods = [];
    const files = [];
    const orders = [];
    for (const id of ids) {
      const owner = companies[id % companies.length] ?? 1;
      // Every fifth demand is paid: of those, half have one applicant selected, delivered and paid.
      const paid = id % 5 === 0 ? 1 : 0;
      const settled = paid && id % 10 === 0 ? 1 : 0;
      const applicants = id % 5 === 1 ? 0 : 1 + (id % 2);
      const firstApplication = applications + 1;
      for (let a = 0; a < applicants; a++) {
        applications++;
        const selected = paid && a === 0 ? 1 : 0;
        orders.push({
          id: applications,
          goods_id: id,
          user_id: people[(id + a * 7) % people.length] ?? 2,
          msg: '我有相关经验，可以按时完成',
          file: id % 3 === 0 ? `/uploads/order/${applications}.pdf` : '',
          over: settled && selected ? `/uploads/over/${applications}.png` : '',
          source: '',
          time: start + id * 60,
          // Half the paid, unsettled demands allocated their selected applicant nothing: the
          // import shares its escrow among such applicants (unallocated-shares.ts).
          price: selected && id % 20 !== 5 ? '500.00' : '0.00',
          pay: settled && selected ? 1 : 0,
          state: selected,
          ok: settled && selected ? 1 : 0,
        });
      }
      goods.push({
        id,
        goodsid: `G${String(id).padStart(12, '0')}`,
        user_id: owner,
        title: `${titles[id % titles.length]}${id}`,
        titletype: 1 + (id % 3),
        price: '500.00',
        pricetype: 1 + (id % 3),
        address: cities[id % cities.length] ?? '',
        timeb: start + id * 60,
        timee: start + id * 60 + 30 * 86_400,
        sort: '开发',
        des: `需求说明：${titles[id % titles.length]}，要求按时交付，质量可靠。`,
        order_id: paid && applicants > 0 ? String(firstApplication) : '',
        show: id % 5 === 4 ? 0 : 1,
        pay: paid,
        suan: settled,
      });
      if (id % 5 === 2) {
        demandFiles++;
        files.push({ id: demandFiles, goods_id: id, url: `/uploads/goods/${id}.pdf` });
      }
    }
    await db.insert('h_goods', goods);
    await db.insert('h_goods_file', files);
    await db.insert('h_goods_order', orders);
  }

  const accounts = users.map((u) => ({
    id: u.id,
    uid: u.id,
    amount: `${u.id % 1000}.${String(u.id % 100).padStart(2, '0')}`,
    last_time: start,
  }));
  await db.insert('h_account', accounts);
  const recharges = users.map((u) => ({
    id: u.id,
    uid: u.id,
    price: 100 + (u.id % 50),
    time: start + u.id,
    isbill: 0,
  }));
  await db.insert('h_invest_log', recharges);

  const counts = {
    users: users.length,
    persons: persons.length,
    skills: skills.length,
    demands: size.demands,
    demandFiles,
    applications,
    accounts: accounts.length,
    recharges: recharges.length,
  };
  return { ...counts, rows: Object.values(counts).reduce((a, b) => a + b, 0) };
}
