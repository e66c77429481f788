import { useEffect, useRef } from 'react';

export interface QueueKeys {
  readonly count: number;
  /** Selects the next item (1) or the previous one (-1). */
  readonly move: (step: 1 | -1) => void;
  readonly approve: () => void;
  readonly reject: () => void;
  /** Off while a dialog is open, so its typing is not taken for commands. */
  readonly enabled: boolean;
}

/**
 * A review queue worked from the keyboard: j / ↓ next, k / ↑ previous, a approve, r reject.
 * Keys typed into a field never count, and neither do keys with Ctrl, Alt or Meta. A decision is
 * one press: a held a repeats, and each repeat would approve the next item unseen.
 */
export function useQueueKeys(keys: QueueKeys): void {
  // The listener is added once; it reads the latest values through the ref.
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const k = latest.current;
      if (!k.enabled || event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
      if (event.repeat && decisionKeys.has(event.key)) return;
      const action = actionOf(event.key, k);
      if (!action || k.count === 0) return;
      event.preventDefault();
      action();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

const decisionKeys = new Set(['a', 'r']);

function actionOf(key: string, k: QueueKeys): (() => void) | undefined {
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return () => k.move(1);
    case 'k':
    case 'ArrowUp':
      return () => k.move(-1);
    case 'a':
      return k.approve;
    case 'r':
      return k.reject;
    default:
      return undefined;
  }
}

function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}
