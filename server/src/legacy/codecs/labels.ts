/** The Chinese labels legacy clients compare against (CONTRACT.md §4). */

export const userTypeLabels = { unknown: '未知', person: '个人用户', company: '企业用户' } as const;
export const userStateLabel = (verified: boolean) => (verified ? '已认证' : '未认证');
