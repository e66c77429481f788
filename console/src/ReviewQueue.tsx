import type { UseQueryResult } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Flex, Space, Spin, Typography } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { describeError } from './errors.js';
import { KeyHelp } from './KeyHelp.js';
import { QueueList } from './QueueList.js';
import { selectedIndex } from './queueSelection.js';
import { RefreshFailed } from './RefreshFailed.js';
import { RejectDialog } from './RejectDialog.js';
import { useChangedNotice } from './useChangedNotice.js';
import { useQueueKeys } from './useQueueKeys.js';

/** An approval, or a rejection with the reason the user will be shown. */
export type Decision = { readonly approve: true } | { readonly approve: false; readonly reason: string };

interface ReviewQueueProps<Item> {
  /** The oldest items waiting, and how many wait in all. */
  readonly queue: UseQueryResult<{ items: Item[]; total: number }, unknown>;
  /** What waits, in the page's words: `需求`, `认证`. */
  readonly noun: string;
  /** What tells records apart across refreshes of the queue: a demand's id; a verification's kind and user. */
  readonly itemKey: (item: Item) => string;
  /** Which version of the record is shown: a demand's last change; a verification's submission. */
  readonly itemVersion: (item: Item) => string;
  /** What differs between two versions of a record, in the page's words (标题, 价格): said on the card. */
  readonly changedFields?: (before: Item, after: Item) => string[];
  readonly listTitle: (item: Item) => ReactNode;
  readonly listDescription: (item: Item) => ReactNode;
  readonly cardTitle: (item: Item) => ReactNode;
  readonly details: (item: Item) => ReactNode;
  /** What the reject dialog names as rejected. */
  readonly rejectSubject: (item: Item) => string;
  /** Sends the decision; settles when the service has answered (the page reports the outcome). */
  readonly decide: (item: Item, decision: Decision) => Promise<unknown>;
  readonly pending: boolean;
}

/**
 * A review queue page: the waiting items on the left, the selected one in full on the right with
 * its approve and reject buttons, keys to move and decide (useQueueKeys), and the reject dialog.
 * The demand and verification queues differ only in what they show and how they decide.
 */
export function ReviewQueue<Item>(props: ReviewQueueProps<Item>) {
  const { queue, noun, pending, itemKey, itemVersion } = props;
  const versionKey = (item: Item) => `${itemKey(item)}@${itemVersion(item)}`;
  // The selected item is held by its key, and its index only for when it leaves the queue: a
  // refresh that drops items above it (decided by another operator) must not slide the card onto
  // another item under the operator's eyes, where a (approve) would decide what they did not read.
  // The key is the record's, whatever its version: one its user changed meanwhile stays on the card
  // in its new version (a verification sent again moves to the queue's end) to be read again.
  const [selected, setSelected] = useState<{ key: string | null; index: number }>({ key: null, index: 0 });
  // The reject dialog is for the item it was opened on, by key and version: a refresh (a failed
  // decision, the tab coming back) shifts which item sits at the selected index, and the reason
  // typed for one item must never go to the next, nor to a version the operator has not read. When
  // its item leaves the queue (another operator decided it) or changes, the dialog closes.
  const [rejectingKey, setRejectingKey] = useState<string | null>(null);
  // The item this console is deciding (or decided): when it leaves the queue, the next one comes to
  // the card, to be read and decided in turn. One that leaves otherwise (another operator decided
  // it) leaves the card empty with a word why, until the operator picks the next: the card falling
  // on the next item at once, a (approve) pressed again to retry would decide it unread.
  const [decidingKey, setDecidingKey] = useState<string | null>(null);
  const items = queue.data?.items ?? [];
  const keys = items.map(itemKey);
  const index = selectedIndex(keys, selected);
  const leftElsewhere = selected.key !== null && !keys.includes(selected.key) && selected.key !== decidingKey;
  const current = leftElsewhere ? undefined : items[index];
  const select = (next: number) => {
    const item = items[next];
    setSelected({ key: item === undefined ? null : itemKey(item), index: next });
  };
  // Once the card has left an item, `index` is where the next one stands.
  const move = (step: 1 | -1) =>
    select(Math.max(0, Math.min(items.length - 1, leftElsewhere && step === 1 ? index : index + step)));
  // Once shown, the item the card fell on (the first, or the next after one left) is the selected
  // one, at its place now: when it leaves in turn, the one after it comes next.
  const currentKey = current === undefined ? null : itemKey(current);
  useEffect(() => {
    if (currentKey === null || (currentKey === selected.key && index === selected.index)) return;
    setSelected({ key: currentKey, index });
    if (currentKey !== selected.key) setDecidingKey(null);
  }, [currentKey, index, selected.key, selected.index]);
  const changedOnCard = useChangedNotice(current, itemKey, itemVersion, props.changedFields);
  const rejecting = items.find((item) => versionKey(item) === rejectingKey);
  useEffect(() => {
    if (rejectingKey !== null && rejecting === undefined) setRejectingKey(null);
  }, [rejectingKey, rejecting]);

  // A failed decision is reported by the page; here it only keeps the dialog open.
  const decide = (item: Item, decision: Decision) => {
    setDecidingKey(itemKey(item));
    return props.decide(item, decision).then(
      () => true,
      () => {
        setDecidingKey(null);
        return false;
      },
    );
  };
  const approve = () => current !== undefined && !pending && decide(current, { approve: true });
  const reject = (reason: string) =>
    rejecting !== undefined &&
    !pending &&
    decide(rejecting, { approve: false, reason }).then((decided) => decided && setRejectingKey(null));
  const openReject = () => current !== undefined && setRejectingKey(versionKey(current));
  useQueueKeys({
    count: items.length,
    move,
    approve,
    reject: openReject,
    enabled: rejecting === undefined,
  });

  if (queue.isPending) return <Spin />;
  if (queue.data === undefined) return <Alert type="error" title={describeError(queue.error)} />;
  return (
    <Flex vertical gap="middle">
      {queue.isError && <RefreshFailed error={queue.error} />}
      <KeyHelp />
      {queue.data.total > items.length && (
        <Typography.Text type="secondary">
          共 {queue.data.total} 条待审核，显示最早的 {items.length} 条。
        </Typography.Text>
      )}
      {items.length === 0 ? (
        <Empty description={`没有待审核的${noun}`} />
      ) : (
        <Flex gap="middle" align="flex-start">
          <QueueList
            label={`待审核${noun}`}
            items={items}
            selected={leftElsewhere ? -1 : index}
            onSelect={select}
            title={props.listTitle}
            description={props.listDescription}
          />
          {leftElsewhere && (
            <Alert
              style={{ flex: 1 }}
              type="warning"
              title={`这条${noun}已不在待审核队列（其他管理员已处理，或已撤回）`}
              description="按 j 或点击左侧查看下一条。"
            />
          )}
          {current !== undefined && (
            <Card
              style={{ flex: 1, minWidth: 0 }}
              title={props.cardTitle(current)}
              extra={
                <Space>
                  <Button type="primary" onClick={approve} loading={pending}>
                    通过 (a)
                  </Button>
                  <Button danger onClick={openReject} disabled={pending}>
                    驳回 (r)
                  </Button>
                </Space>
              }
            >
              {changedOnCard && (
                <Alert
                  style={{ marginBottom: 12 }}
                  type="warning"
                  title={`提交人修改了这条${noun}${changedOnCard.length ? `：${changedOnCard.join('、')}` : ''}`}
                  description="以下是修改后的内容，请重新查看后再审核。"
                />
              )}
              {props.details(current)}
            </Card>
          )}
        </Flex>
      )}
      <RejectDialog
        open={rejecting !== undefined}
        subject={rejecting === undefined ? '' : props.rejectSubject(rejecting)}
        pending={pending}
        onCancel={() => setRejectingKey(null)}
        onSubmit={reject}
      />
    </Flex>
  );
}
