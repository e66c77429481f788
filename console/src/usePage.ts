import { useEffect, useState } from 'react';

export const pageKeys = [
  'demandQueue',
  'verificationQueue',
  'invoiceQueue',
  'users',
  'demands',
  'audit',
] as const;
export type PageKey = (typeof pageKeys)[number];

const base = '/console/';

function fromLocation(): PageKey {
  const name = window.location.pathname.slice(base.length).split('/')[0];
  return pageKeys.find((key) => key === name) ?? 'demandQueue';
}

/**
 * Which page is open, kept in the address (/console/users) so a reload or a shared link opens the
 * same page and Back works; the service answers any /console/ path with the app.
 */
export function usePage(): [PageKey, (page: PageKey) => void] {
  const [page, setPage] = useState(fromLocation);
  useEffect(() => {
    const onPop = () => setPage(fromLocation());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = (next: PageKey) => {
    if (next !== page) window.history.pushState(null, '', `${base}${next}`);
    setPage(next);
  };
  return [page, go];
}
