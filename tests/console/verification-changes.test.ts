import { describe, expect, it } from 'vitest';
import { changedVerificationFields } from '../../console/src/verificationChanges.js';
import type { VerificationRecord } from '../../console/src/verificationRecord.js';

const person = (fields: Record<string, unknown>) =>
  ({
    kind: 'person',
    verification: {
      name: '李四',
      idNumber: '110101199003070011',
      idCardFront: ['/uploads/2026/12/front.png?exp=1796550000&sig=abc_DEF-1'],
      idCardBack: [],
      job: '设计',
      jobName: '平面设计',
      workPeriod: [new Date('2026-12-01T00:00:00Z')],
      intro: '你好？/uploads',
      ...fields,
    },
  }) as unknown as VerificationRecord;

describe('what changed in a verification record, as the review card names it', () => {
  it('names each changed field once, by the label the card shows it under', () => {
    expect(changedVerificationFields(person({}), person({ name: '李新名' }))).toEqual(['姓名']);
    // 职业 shows the job and its name together: changed both, it is named once.
    expect(changedVerificationFields(person({}), person({ job: '开发', jobName: '前端' }))).toEqual(['职业']);
    expect(
      changedVerificationFields(person({}), person({ workPeriod: [new Date('2026-12-02T00:00:00Z')] })),
    ).toEqual(['工作时间']);
    expect(changedVerificationFields(person({}), person({ intro: '你好？/uploads/x' }))).toEqual(['简介']);
  });

  it('sees the same file under a new signature as unchanged, and another file as a change', () => {
    const resigned = person({ idCardFront: ['/uploads/2026/12/front.png?exp=1796553600&sig=xyz-987_Q'] });
    expect(changedVerificationFields(person({}), resigned)).toEqual([]);
    const replaced = person({ idCardFront: ['/uploads/2026/12/other.png?exp=1796553600&sig=xyz'] });
    expect(changedVerificationFields(person({}), replaced)).toEqual(['身份证正面']);
  });
});
