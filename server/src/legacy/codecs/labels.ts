/** The Chinese labels legacy clients compare against (CONTRACT.md §4). */

export const userTypeLabels = { unknown: '未知', person: '个人用户', company: '企业用户' } as const;
export const userStateLabel = (verified: boolean) => (verified ? '已认证' : '未认证');

export const demandKindLabels = { partTime: '兼职', fullTime: '全职', other: '其它' } as const;
export const settlementLabels = { monthly: '月结', daily: '日结', other: '其它' } as const;
/** A rejected demand shows as unreviewed (clients know only two labels) with its reason beside it. */
export const reviewLabels = { pending: '未审核', approved: '已审核', rejected: '未审核' } as const;
export const demandPaidLabel = (paid: boolean) => (paid ? '已经支付' : '未支付');
export const settledLabel = (settled: boolean) => (settled ? '已结算' : '未结算');
export const selectedLabel = (selected: boolean) => (selected ? '锁定' : '正常');
export const applicationPaidLabel = (paid: boolean) => (paid ? '已支付' : '未支付');
export const deliveredLabel = (delivered: boolean) => (delivered ? '已完结' : '未完结');

/** A label table turned around, for inputs that arrive as the label the user reads. */
export const byLabel = <T extends string>(labels: Readonly<Record<T, string>>) =>
  Object.fromEntries(Object.entries(labels).map(([value, label]) => [label, value])) as Record<string, T>;

/** The two labels of each `0`/`1` field legacy clients may filter on. */
export const flagLabels = {
  paid: { no: '未支付', yes: demandPaidLabel(true) },
  settled: { no: settledLabel(false), yes: settledLabel(true) },
  invoiced: { no: '未开票', yes: '已开票' },
} as const;
