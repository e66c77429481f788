import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyIndividualBusiness,
  emptyPerson,
  individualBusinessColumns,
  personColumns,
} from '../../../server/src/features/account/verification.rows.js';
import { backends } from '../../support/backends.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber, info, loginBySms, post, withWrongCheck } from './account-fixtures.js';

/**
 * Records imported from the old backend keep the ID numbers it stored, which it never checked.
 * The deployed client sends them back unchanged with every save of its forms.
 */
describe.each(backends)('verification records imported with unchecked ID numbers ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  /** What the importer writes: the record as the old backend had it, reviewed. */
  const review = (userId: number) => ({
    user_id: userId,
    state: 1,
    reject_reason: '',
    submitted_at: t.clock.now(),
    reviewed_at: t.clock.now(),
    created_at: t.clock.now(),
  });

  it('saves the work profile sent with the identity as stored, and still checks a new number', async () => {
    const user = await loginBySms(t, undefined, 1);
    const stored = withWrongCheck(idNumber('19850505'));
    const db = t.stores.database.db;
    await db
      .insertInto('person_verifications')
      .values({
        ...personColumns({ ...emptyPerson, name: '老用户', idNumber: stored }),
        ...review(user.userId),
      })
      .execute();
    await db.updateTable('users').set({ userstate: 1 }).where('id', '=', user.userId).execute();

    // The resume wizard: the identity as /user/info/info showed it, with the work preferences.
    const wizard = await post(t, user, '/user/info/person', { name: '老用户', code: stored, money: '300' });
    // Before: refused with 身份证号码格式错误, so the form could not be saved at all.
    expect(wizard.body).toMatchObject({ res: 1, data: { code: stored, state: '通过', money: 300 } });
    expect(await info(t, user)).toMatchObject({ userstate: '已认证', person: { state: '通过' } });

    // A number the record does not hold is checked as ever.
    const other = withWrongCheck(idNumber('19860606'));
    expect((await post(t, user, '/user/info/person', { code: other })).body).toEqual({
      res: 0,
      err: '身份证号码格式错误',
      data: '',
    });
    expect((await info(t, user)).person).toMatchObject({ code: stored, state: '通过' });
  });

  it('keeps the review of an identity stored untrimmed or with a lowercase x when the form sends it back', async () => {
    const user = await loginBySms(t, undefined, 1);
    let stored = idNumber('19921010');
    while (!stored.endsWith('X')) stored = idNumber('19921010');
    const db = t.stores.database.db;
    await db
      .insertInto('person_verifications')
      .values({
        ...personColumns({ ...emptyPerson, name: '小写 ', idNumber: stored.toLowerCase() }),
        ...review(user.userId),
      })
      .execute();
    await db.updateTable('users').set({ userstate: 1 }).where('id', '=', user.userId).execute();

    const shown = await info(t, user);
    for (const identity of [
      { name: '小写 ', code: stored.toLowerCase() },
      { name: shown.name, code: shown.code },
    ]) {
      const wizard = await post(t, user, '/user/info/person', { ...identity, jobname: '会计' });
      expect(wizard.body.res).toBe(1);
      // Before: the name trimmed and the x made X counted as a new identity: 未审核, the user 未认证.
      expect(await info(t, user)).toMatchObject({
        userstate: '已认证',
        name: '小写',
        code: stored,
        person: { state: '通过', jobname: '会计' },
      });
    }
  });

  it('saves the geti form sent back with its stored legal representative and partners', async () => {
    const user = await loginBySms(t);
    const legal = withWrongCheck(idNumber('19700101'));
    const partner = withWrongCheck(idNumber('19750202'));
    const db = t.stores.database.db;
    const record = { ...emptyIndividualBusiness, name: '老字号', legalRepIdNumber: legal };
    await db
      .insertInto('individual_business_verifications')
      .values({ ...individualBusinessColumns(record), ...review(user.userId) })
      .execute();
    await db
      .insertInto('individual_business_partners')
      .values({ user_id: user.userId, position: 0, name: '老合伙人', id_number: partner })
      .execute();

    const newPartner = idNumber('19900303');
    const resent = await post(t, user, '/user/info/geti', {
      name: '老字号',
      faren_code: legal,
      renshu: '5',
      hehuo: [
        { hehuoren_name: '老合伙人', hehuoren_code: partner },
        { hehuoren_name: '新合伙人', hehuoren_code: newPartner },
      ],
    });
    expect(resent.body).toMatchObject({
      res: 1,
      data: {
        faren_code: legal,
        renshu: 5,
        hehuo: [
          { hehuoren_name: '老合伙人', hehuoren_code: partner },
          { hehuoren_name: '新合伙人', hehuoren_code: newPartner },
        ],
      },
    });

    const refused = await post(t, user, '/user/info/geti', {
      hehuo: [
        { hehuoren_name: '老合伙人', hehuoren_code: partner },
        { hehuoren_name: '乙', hehuoren_code: withWrongCheck(newPartner) },
      ],
    });
    expect(refused.body).toEqual({ res: 0, err: '第2条：合伙人身份证号格式错误', data: '' });
    const changedLegal = await post(t, user, '/user/info/geti', { faren_code: withWrongCheck(idNumber()) });
    expect(changedLegal.body).toEqual({ res: 0, err: '法人身份证号格式错误', data: '' });
    expect((await info(t, user)).geti).toMatchObject({ faren_code: legal, renshu: 5 });
  });
});
