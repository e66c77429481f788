import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../../client-sdk/index.js';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyCalls, uploadFile } from '../../support/marketplace-flow.js';
import { samplePdf, samplePng, sampleZip } from '../../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber } from './account-fixtures.js';

const notImage = { res: 0, err: '请上传jpg、png、gif、webp格式的图片', data: '' };

/*
 * A member may upload archives and PDFs (deliveries, attachments), and could name one as an avatar
 * or an ID card: the page showed a broken picture, and a reviewer had no ID card to look at. The
 * fields shown as pictures take images only.
 */
describe.each(backends)('fields that show a picture take images only ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
  });
  afterAll(() => t.close());

  const { post } = legacyCalls(() => t);

  it('refuses an archive as the avatar on both doors, and keeps the avatar', async () => {
    const me = await loginBySms(t);
    const zip = await uploadFile(t, me, sampleZip(), 'work.zip');
    const png = await uploadFile(t, me, samplePng(), 'me.png');
    expect((await post('/user/info/edit', me, { face: png })).body.res).toBe(1);
    expect((await post('/user/info/edit', me, { face: zip })).body).toEqual(notImage);
    const typed = await createClient({ url, token: me.token })
      .account.updateProfile.mutate({ face: zip })
      .catch((error: unknown) => error);
    expect(isAppError(typed, 'FILE_NOT_IMAGE')).toBe(true);
    expect(((await post('/user/info/info', me, {})).body.data as { face: string }).face).toBe(png);
  });

  it('refuses a PDF as an ID card or a licence, and takes one as a person’s attachment', async () => {
    const person = await loginBySms(t, undefined, 1);
    const pdf = await uploadFile(t, person, samplePdf(), 'scan.pdf');
    const identity = { name: '张三', code: idNumber() };
    expect((await post('/user/info/person', person, { ...identity, pic: pdf })).body).toEqual(notImage);
    expect((await post('/user/info/person', person, { ...identity, fileone: pdf })).body.res).toBe(1);

    const company = await loginBySms(t, undefined, 2);
    const licence = await uploadFile(t, company, samplePdf(), 'licence.pdf');
    expect((await post('/user/info/company', company, { name: '某公司', pic: licence })).body).toEqual(
      notImage,
    );
    const info = (await post('/user/info/info', company, {})).body.data as { company: unknown };
    expect(info.company).toBeNull();
  });
});
