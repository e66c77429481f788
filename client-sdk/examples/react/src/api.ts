import { appErrorCode, createClient, isAppError } from '@marketplace/client-sdk';
import { QueryClient } from '@tanstack/react-query';

/** The service, fixed when the app is built: `VITE_API_URL=https://api.example.com npm run build`. */
const apiUrl: string = import.meta.env.VITE_API_URL ?? 'http://localhost:3000';

const tokenKey = 'marketplace-token';

/** Where the login lives between page loads. */
export const storedToken = {
  get: () => localStorage.getItem(tokenKey),
  set: (token: string | null) =>
    token === null ? localStorage.removeItem(tokenKey) : localStorage.setItem(tokenKey, token),
};

/** One client for the app; it asks for the token before every request, so logging in needs no new client. */
export const trpcClient = createClient({ url: apiUrl, token: storedToken.get });

export const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });

/** A failure as the user should read it: the service's own message and code, or a network problem. */
export function describeError(error: unknown): string {
  return isAppError(error) ? `${error.message} (${appErrorCode(error)})` : 'The service cannot be reached';
}
