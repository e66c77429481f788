import { appErrorCode, createClient } from '@marketplace/client-sdk';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';

const tokenKey = 'console-token';

/** Where the operator's login lives between page loads. */
export const storedToken = {
  get: (): string | null => localStorage.getItem(tokenKey),
  set: (token: string | null) =>
    token === null ? localStorage.removeItem(tokenKey) : localStorage.setItem(tokenKey, token),
};

/**
 * The service that serves the console also answers /trpc: same origin, so no URL to configure.
 * The token is asked for before every request, so logging in or out needs no new client.
 */
export const trpcClient = createClient({ url: window.location.origin, token: storedToken.get });

type Refusal = 'adminOnly' | 'loggedOut';
let onRefusal: (why: Refusal) => void = () => {};

/** The app shell listens here: any call refused as not an admin, or not logged in, ends the session. */
export function listenForRefusals(listener: (why: Refusal) => void): void {
  onRefusal = listener;
}

function watch(error: unknown): void {
  const code = appErrorCode(error);
  if (code === 'ADMIN_ONLY') onRefusal('adminOnly');
  else if (code === 'UNAUTHENTICATED') onRefusal('loggedOut');
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: watch }),
  mutationCache: new MutationCache({ onError: watch }),
  // A failed query is shown, not retried behind the operator's back; queues refresh when the tab
  // comes back, so a second operator's decisions show up.
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: true } },
});

/** Ends a session on the server too, with its own token (already gone from storage); failures do not matter. */
export function endSession(token: string): void {
  createClient({ url: window.location.origin, token })
    .auth.logout.mutate()
    .catch(() => {});
}
