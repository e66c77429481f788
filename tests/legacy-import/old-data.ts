import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { LegacyDatabase } from '../support/legacy-db.js';

/*
 * A small old database as the deployed backend would hold it: Chinese text, comma-joined URLs,
 * unix times, yuan, and the broken rows years of production leave behind (an application whose
 * demand is gone, a bad phone, a balance with three decimals, a price with three, duplicates).
 */

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const day = (date: string) => Math.floor(Date.parse(`${date}T08:00:00+08:00`) / 1000);

/** Accounts the tests log in as. */
export const old = {
  company: {
    id: 3,
    phone: '13800000003',
    password: 'oldpass123',
    token: 'c0ffee00c0ffee00c0ffee00c0ffee03',
    face: '/uploads/face/20190301/6f1c.png',
  },
  person: {
    id: 5,
    phone: '13900000005',
    password: 'zhang-san-8',
    token: 'c0ffee00c0ffee00c0ffee00c0ffee05',
    idFront: '/uploads/person/20190301/a1.jpg',
    idBack: '/uploads/person/20190301/a2.jpg',
  },
  designer: {
    id: 7,
    phone: '13700000007',
    password: 'li-si-bcrypt',
    token: 'c0ffee00c0ffee00c0ffee00c0ffee07',
  },
  badPhone: { id: 8, phone: '1380013800' },
  plainPassword: { id: 10, phone: '15000000010', password: 'plaintext' },
  secondCompany: { id: 11, phone: '18600000011' },
  sharedPhone: { id: 12 },
  business: { id: 15, phone: '17700000015', token: 'c0ffee00c0ffee00c0ffee00c0ffee15' },
  /** Holds a token another account holds too (not kept), and an MD5 password. */
  latecomer: { id: 16, phone: '17700000016', password: 'wang-wu-16' },
  /**
   * Paid, unsettled: 5000 yuan, application 201 was paid 3000, 202 (allocated 2000) delivered and
   * waits; 208 applied and was not selected.
   */
  openDemand: {
    id: 101,
    goodsid: 'G2019030100000101',
    escrowFen: 200_000,
    waitingApplication: 202,
    unselectedApplication: 208,
  },
} as const;

export const demandFiles = {
  spec: '/uploads/goods/20190301/需求说明.pdf',
  sketch: 'http://old.example.com/uploads/goods/20190301/草图.png',
} as const;

/** Fills an empty old database with the fixture rows. */
export async function fillOldDatabase(db: LegacyDatabase): Promise<void> {
  await db.insert('users', [
    {
      id: 3,
      phone: old.company.phone,
      email: 'boss@example.com',
      password: md5(old.company.password).toUpperCase(),
      token: old.company.token,
      smscode: '123456',
      face: old.company.face,
      address: '上海市,浦东新区,张江高科',
      usertype: 2,
      userstate: 1,
    },
    {
      id: 5,
      phone: old.person.phone,
      email: '',
      password: sha1(old.person.password),
      token: old.person.token,
      face: '',
      address: '北京市',
      usertype: 1,
      userstate: 1,
    },
    {
      id: 7,
      phone: old.designer.phone,
      password: bcrypt.hashSync(old.designer.password, 4).replace(/^\$2b\$/, '$2y$'),
      token: old.designer.token,
      usertype: 1,
      userstate: 0,
    },
    { id: 8, phone: old.badPhone.phone, password: md5('x'), usertype: 1, userstate: 0 },
    {
      id: 10,
      phone: old.plainPassword.phone,
      password: old.plainPassword.password,
      token: 'abc',
      usertype: 1,
    },
    // Two accounts holding one token (a copied database, a buggy token generator): neither keeps it.
    {
      id: 11,
      phone: old.secondCompany.phone,
      password: '',
      token: 'shared-token-0123456789',
      usertype: 2,
      userstate: 0,
    },
    { id: 12, phone: ` ${old.person.phone} `, password: md5('dup'), usertype: 1 },
    { id: 15, phone: old.business.phone, token: old.business.token, usertype: 1, userstate: 1 },
    {
      id: 16,
      phone: old.latecomer.phone,
      password: md5(old.latecomer.password),
      token: 'shared-token-0123456789',
      usertype: 1,
    },
  ]);

  await db.insert('h_user_person', [
    {
      id: 1,
      user_id: 5,
      name: '张三',
      code: '11010519491231002X',
      pic: `${old.person.idFront}, ${old.person.idBack}`,
      picf: old.person.idBack,
      job: 'PHP开发',
      jobname: 1,
      jtype: '兼职',
      jtime: '2019-03-01,2019-12-31',
      timelong: '20',
      jobarea: '北京,海淀',
      jobaddress: '中关村',
      money: '300.00',
      des: '五年经验\n熟悉ThinkPHP',
      state: 1,
    },
    {
      id: 2,
      user_id: 7,
      name: '李四',
      code: '110105194912310037',
      jtime: `${day('2019-03-01')},${day('2019-06-30')}`,
      state: 0,
    },
    { id: 3, user_id: 8, name: '王五', state: 0 },
    { id: 4, user_id: 5, name: '张三（重复）', state: 0 },
    { id: 5, user_id: 10, name: '赵六', jtime: '下个月', state: 0 },
  ]);
  await db.insert('h_user_company', [
    {
      id: 1,
      user_id: 3,
      company: '上海某某网络科技有限公司',
      type: '互联网',
      pic: '/uploads/company/20190301/licence.jpg',
      pro: '上海市',
      city: '上海市',
      address: '浦东新区张江路1号',
      year: '5',
      faren_name: '陈老板',
      faren_z: '/uploads/company/20190301/z.jpg',
      faren_f: '/uploads/company/20190301/f.jpg',
      state: 1,
    },
    { id: 2, user_id: 11, company: '深圳某某设计工作室', state: 0 },
  ]);
  await db.insert('h_user_geti', [
    {
      id: 1,
      user_id: 15,
      name: '张记小吃店',
      zhusuo: '广东省,广州市',
      jingying: '天河区',
      youbian: '510000',
      shouji: '02088888888',
      zhiben: '10.50',
      leixing: '个体工商户',
      hesuan: 0,
      renshu: 3,
      hangye: '餐饮',
      fanwen: '小吃',
      faren_name: '张记',
      faren_code: '11010519491231002X',
      state: 1,
    },
  ]);
  await db.insert('h_user_geti_hehuoren', [
    { id: 1, geti_id: 1, name: '合伙人甲', code: '110105194912310037' },
    { id: 2, geti_id: 1, name: '合伙人乙', code: '11010519491231002X' },
    { id: 3, geti_id: 99, name: '无主合伙人', code: '' },
  ]);

  await db.insert('h_user_person_ji', [
    { id: 1, user_id: 5, name: 'PHP', fen: 5 },
    { id: 2, user_id: 5, name: '平面设计', fen: 4 },
    { id: 3, user_id: 999, name: '孤儿技能', fen: 3 },
  ]);
  await db.insert('h_user_person_des', [
    {
      id: 1,
      user_id: 5,
      name: '电商网站',
      type: '网站',
      link: 'http://shop.example.com',
      key: '秒杀',
      des: '一个商城',
      z: '后端',
    },
  ]);
  await db.insert('h_user_person_job', [
    {
      id: 1,
      user_id: 5,
      begin: day('2015-07-01'),
      end: day('2018-12-31'),
      company: '某某公司',
      job: '工程师',
      des: '写代码',
    },
  ]);
  await db.insert('h_user_person_edu', [
    {
      id: 1,
      user_id: 5,
      begin: day('2011-09-01'),
      end: day('2015-07-01'),
      school: '某某大学',
      job: '计算机',
      li: '本科',
      des: '',
    },
  ]);

  const description = '需要一个企业官网，包含产品展示、新闻、联系我们。\n要求响应式。';
  await db.insert('h_goods', [
    {
      id: 101,
      goodsid: old.openDemand.goodsid,
      user_id: 3,
      title: '企业官网开发',
      titletype: 1,
      price: '5000.00',
      pricetype: 1,
      address: '上海',
      timeb: day('2019-03-01'),
      timee: day('2019-04-30'),
      sort: '网站开发',
      des: description,
      order_id: '201,202',
      show: 1,
      pay: 1,
      suan: 0,
    },
    {
      id: 102,
      goodsid: 'G2019030200000102',
      user_id: 3,
      title: '宣传海报设计',
      titletype: 2,
      price: '800.5',
      pricetype: 2,
      address: '北京',
      timeb: day('2019-03-02'),
      timee: day('2019-03-20'),
      des: '海报',
      show: 1,
    },
    {
      id: 103,
      goodsid: 'G2019030300000103',
      user_id: 11,
      title: '数据录入',
      titletype: 3,
      price: '120',
      pricetype: 3,
      address: '深圳',
      des: '录入',
      show: 0,
    },
    {
      id: 104,
      goodsid: 'G2019030400000104',
      user_id: 3,
      title: '小程序维护',
      titletype: 1,
      price: '800.00',
      pricetype: 1,
      address: '上海',
      des: '维护',
      order_id: '204',
      show: 1,
      pay: 1,
      suan: 1,
    },
    {
      id: 105,
      goodsid: 'G2019030500000105',
      user_id: 8,
      title: '孤儿需求',
      price: '10',
      des: '无主',
      show: 1,
    },
    {
      id: 106,
      goodsid: 'G2019030600000106',
      user_id: 3,
      title: '价格有误',
      price: '99.99',
      des: '三位小数',
      show: 1,
    },
    { id: 107, goodsid: '', user_id: 11, title: '没有订单号', price: '66', des: '空goodsid', show: 1 },
  ]);
  // 106's price is written with three decimals the way a float column would have kept it.
  await db.execute("ALTER TABLE h_goods MODIFY price varchar(20) NOT NULL DEFAULT '0'");
  await db.execute("UPDATE h_goods SET price = '99.999' WHERE id = 106");
  await db.insert('h_goods_file', [
    { id: 1, goods_id: 101, url: demandFiles.spec },
    { id: 2, goods_id: 105, url: '/uploads/goods/orphan.png' },
    { id: 3, goods_id: 101, url: demandFiles.sketch },
  ]);
  await db.insert('h_goods_order', [
    {
      id: 201,
      goods_id: 101,
      user_id: 5,
      msg: '我有五年经验',
      file: '/uploads/order/20190302/cv.pdf',
      time: day('2019-03-02'),
      price: '3000.00',
      pay: 1,
      state: 1,
      ok: 1,
      over: '/uploads/over/a1.png,/uploads/over/a2.png',
      source: '/uploads/source/a.zip',
    },
    {
      id: 202,
      goods_id: 101,
      user_id: 7,
      msg: '设计师报名',
      time: day('2019-03-03'),
      price: '2000.00',
      pay: 0,
      state: 1,
      ok: 1,
      over: '/uploads/over/b1.png',
      source: '/uploads/source/b.zip',
    },
    {
      id: 203,
      goods_id: 102,
      user_id: 10,
      msg: '海报我来',
      time: day('2019-03-04'),
      price: '0.00',
      state: 0,
    },
    {
      id: 204,
      goods_id: 104,
      user_id: 5,
      msg: '维护',
      time: day('2019-03-05'),
      price: '800.00',
      pay: 1,
      state: 1,
      ok: 1,
    },
    { id: 205, goods_id: 999, user_id: 5, msg: '需求已删除', time: day('2019-03-06'), price: '0.00' },
    { id: 206, goods_id: 102, user_id: 7, msg: '我也来', time: day('2019-03-07'), price: '0.00', state: 1 },
    { id: 207, goods_id: 102, user_id: 7, msg: '重复申请', time: day('2019-03-08'), price: '0.00' },
    { id: 208, goods_id: 101, user_id: 16, msg: '我也会做官网', time: day('2019-03-09'), price: '0.00' },
  ]);

  await db.insert('h_account', [
    { id: 1, uid: 3, amount: '1000.50', last_time: day('2019-03-10') },
    { id: 2, uid: 5, amount: '3000.00', last_time: day('2019-03-10') },
    { id: 3, uid: 7, amount: '12.345', last_time: day('2019-03-10') },
    { id: 4, uid: 11, amount: '0.000', last_time: 0 },
    { id: 5, uid: 999, amount: '5.00', last_time: 0 },
  ]);
  await db.insert('h_invest_log', [
    { id: 1, uid: 3, price: 1000.5, time: day('2019-02-01'), isbill: 1 },
    { id: 2, uid: 3, price: 500, time: day('2019-02-02'), isbill: 0 },
    { id: 3, uid: 5, price: 200, time: day('2019-02-03'), isbill: 1 },
  ]);
  await db.insert('h_bill_log', [
    { id: 1, uid: 3, price: '1000.50', apptime: day('2019-02-05'), opentime: 0, isbill: 0 },
    { id: 2, uid: 5, price: '200.00', apptime: day('2019-02-06'), opentime: day('2019-02-08'), isbill: 1 },
    { id: 3, uid: 3, price: '777.00', apptime: day('2019-02-07'), opentime: 0, isbill: 0 },
  ]);
}

/** What the fixture comes to: per table, rows imported and the refusals' ids. */
export const expected = {
  users: { imported: 7, refused: [8, 12] },
  user_person: { imported: 2, refused: [3, 4, 5] },
  user_company: { imported: 2, refused: [] },
  user_geti: { imported: 1, refused: [] },
  user_geti_hehuoren: { imported: 2, refused: [3] },
  user_person_ji: { imported: 2, refused: [3] },
  user_person_des: { imported: 1, refused: [] },
  user_person_job: { imported: 1, refused: [] },
  user_person_edu: { imported: 1, refused: [] },
  goods: { imported: 5, refused: [105, 106] },
  goods_file: { imported: 2, refused: [2] },
  goods_order: { imported: 6, refused: [205, 207] },
  account: { imported: 3, refused: [3, 5] },
  invest_log: { imported: 3, refused: [] },
  bill_log: { imported: 2, refused: [3] },
} as const;

/** 1000.50 + 3000.00 + 0.000 imported; 12.345 and 5.00 refused. */
export const importedBalancesFen = 100_050 + 300_000;
