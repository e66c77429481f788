import { List } from 'antd';
import type { ReactNode } from 'react';

interface QueueListProps<Item> {
  /** The region's name, so the queue can be found by what it is called (screen readers, tests). */
  readonly label: string;
  readonly items: readonly Item[];
  readonly selected: number;
  readonly onSelect: (index: number) => void;
  readonly title: (item: Item) => ReactNode;
  readonly description: (item: Item) => ReactNode;
}

/** A review queue's left column: one row per item, the selected one highlighted. */
export function QueueList<Item>({
  label,
  items,
  selected,
  onSelect,
  title,
  description,
}: QueueListProps<Item>) {
  return (
    // A title without a place to break (a pasted link, a run of Latin letters) wraps anywhere,
    // rather than run on under the card beside the list.
    <section aria-label={label} style={{ width: 320, flexShrink: 0, overflowWrap: 'anywhere' }}>
      <List
        bordered
        dataSource={[...items]}
        renderItem={(item, i) => (
          <List.Item
            onClick={() => onSelect(i)}
            aria-current={i === selected}
            style={{ cursor: 'pointer', background: i === selected ? '#e6f4ff' : undefined }}
          >
            <List.Item.Meta title={title(item)} description={description(item)} />
          </List.Item>
        )}
      />
    </section>
  );
}
