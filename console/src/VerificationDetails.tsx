import { Descriptions, Image, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { date, dateTime } from './dates.js';
import { yuan } from './money.js';
import type { VerificationRecord } from './verificationRecord.js';

type ReviewState = VerificationRecord['verification']['status'];

export const reviewStateTags: Record<ReviewState, ReactNode> = {
  pending: <Tag color="orange">待审核</Tag>,
  approved: <Tag color="green">已通过</Tag>,
  rejected: <Tag color="red">已驳回</Tag>,
};

/** A verification record as a reviewer needs it: every field, and the documents as images inline. */
export function VerificationDetails({ record }: { record: VerificationRecord }) {
  const v = record.verification;
  const common = (
    <>
      <Descriptions.Item label="状态">
        {reviewStateTags[v.status]}
        {v.rejectReason && <span>驳回原因：{v.rejectReason}</span>}
      </Descriptions.Item>
      <Descriptions.Item label="提交时间">{dateTime(v.submittedAt)}</Descriptions.Item>
    </>
  );
  if (record.kind === 'person') {
    const p = record.verification;
    return (
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label="姓名">{p.name}</Descriptions.Item>
        <Descriptions.Item label="身份证号">{p.idNumber}</Descriptions.Item>
        {common}
        <Descriptions.Item label="身份证正面" span={2}>
          <Files urls={p.idCardFront} alt="身份证正面" />
        </Descriptions.Item>
        <Descriptions.Item label="身份证反面" span={2}>
          <Files urls={p.idCardBack} alt="身份证反面" />
        </Descriptions.Item>
        <Descriptions.Item label="职业">
          {[p.job, p.jobName].filter(Boolean).join(' / ') || '—'}
        </Descriptions.Item>
        <Descriptions.Item label="日薪">
          {p.dailyRateFen === null ? '—' : `¥${yuan(p.dailyRateFen)}`}
        </Descriptions.Item>
        <Descriptions.Item label="工作时间">
          {p.workTimeType || '—'} {p.workPeriod.map(date).join(' 至 ')}
        </Descriptions.Item>
        <Descriptions.Item label="每周工时">{p.weeklyHours || '—'}</Descriptions.Item>
        <Descriptions.Item label="工作地区">{p.workArea || '—'}</Descriptions.Item>
        <Descriptions.Item label="工作地址" span={2}>
          {p.workAddress || '—'}
        </Descriptions.Item>
        <Descriptions.Item label="简介" span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
            {p.intro || '—'}
          </Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label="附件" span={2}>
          <Files urls={[...p.attachmentOne, ...p.attachmentTwo]} alt="附件" />
        </Descriptions.Item>
      </Descriptions>
    );
  }
  if (record.kind === 'company') {
    const c = record.verification;
    return (
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label="企业名称">{c.name}</Descriptions.Item>
        <Descriptions.Item label="行业">{c.industry || '—'}</Descriptions.Item>
        {common}
        <Descriptions.Item label="地址" span={2}>
          {[c.province, c.city, c.address].filter(Boolean).join(' ') || '—'}
        </Descriptions.Item>
        <Descriptions.Item label="成立年限">{c.yearsInBusiness || '—'}</Descriptions.Item>
        <Descriptions.Item label="法人">{c.legalRepName || '—'}</Descriptions.Item>
        <Descriptions.Item label="营业执照" span={2}>
          <Files urls={c.license} alt="营业执照" />
        </Descriptions.Item>
        <Descriptions.Item label="法人身份证正面" span={2}>
          <Files urls={c.legalRepIdFront} alt="法人身份证正面" />
        </Descriptions.Item>
        <Descriptions.Item label="法人身份证反面" span={2}>
          <Files urls={c.legalRepIdBack} alt="法人身份证反面" />
        </Descriptions.Item>
      </Descriptions>
    );
  }
  const b = record.verification;
  return (
    <Descriptions column={2} size="small" bordered>
      <Descriptions.Item label="名称">{b.name}</Descriptions.Item>
      <Descriptions.Item label="类型">{b.companyType || '—'}</Descriptions.Item>
      {common}
      <Descriptions.Item label="住所">{b.domicile || '—'}</Descriptions.Item>
      <Descriptions.Item label="经营场所">{b.businessPlace || '—'}</Descriptions.Item>
      <Descriptions.Item label="电话">{b.phone || '—'}</Descriptions.Item>
      <Descriptions.Item label="邮编">{b.postcode || '—'}</Descriptions.Item>
      <Descriptions.Item label="注册资本">
        {b.registeredCapitalFen === null
          ? '—'
          : // In 万元, as the user's form asks for it (zhiben), with the amount in yuan beside it.
            `${yuan(Math.round(b.registeredCapitalFen / 10_000))} 万元（¥${yuan(b.registeredCapitalFen)}）`}
      </Descriptions.Item>
      <Descriptions.Item label="从业人数">{b.employees ?? '—'}</Descriptions.Item>
      <Descriptions.Item label="核算方式">
        {b.accounting === null ? '—' : b.accounting === 'independent' ? '独立核算' : '非独立核算'}
      </Descriptions.Item>
      <Descriptions.Item label="行业">{b.industry || '—'}</Descriptions.Item>
      <Descriptions.Item label="经营范围" span={2}>
        {b.businessScope || '—'}
      </Descriptions.Item>
      <Descriptions.Item label="经营者">
        {b.legalRepName || '—'} {b.legalRepIdNumber}
      </Descriptions.Item>
      <Descriptions.Item label="合伙人">
        {b.partners.length === 0 ? '无' : b.partners.map((p) => `${p.name}（${p.idNumber}）`).join('，')}
      </Descriptions.Item>
    </Descriptions>
  );
}

const imageUrl = /\.(png|jpe?g|gif|webp|bmp)(\?|#|$)/i;

/** Images inline (click to enlarge), other files as links; signed URLs are used as the record gives them. */
function Files({ urls, alt }: { urls: readonly string[]; alt: string }) {
  if (urls.length === 0) return <Typography.Text type="secondary">未上传</Typography.Text>;
  return (
    <Space wrap>
      <Image.PreviewGroup>
        {urls
          .filter((u) => imageUrl.test(u))
          .map((url, i) => (
            <Image key={url} src={url} alt={`${alt} ${i + 1}`} height={140} />
          ))}
      </Image.PreviewGroup>
      {urls
        .filter((u) => !imageUrl.test(u))
        .map((url) => (
          <Typography.Link key={url} href={url} target="_blank" rel="noreferrer">
            {url.slice(url.lastIndexOf('/') + 1).split('?')[0]}
          </Typography.Link>
        ))}
    </Space>
  );
}
