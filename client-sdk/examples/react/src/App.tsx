import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { describeError, storedToken } from './api.js';

export function App() {
  const [token, setToken] = useState(storedToken.get);
  const queryClient = useQueryClient();
  const changeLogin = (next: string | null) => {
    storedToken.set(next);
    setToken(next);
    // What the last user saw must not show for the next one.
    queryClient.removeQueries();
  };
  return (
    <main>
      <h1>需求 · Demands</h1>
      <DemandList />
      <h2>Account</h2>
      {token ? <Me onLogout={() => changeLogin(null)} /> : <SmsLogin onLogin={changeLogin} />}
    </main>
  );
}

type ListedDemand = RouterOutputs['demands']['list']['items'][number];

/** The public list: reviewed demands, newest first. */
function DemandList() {
  const trpc = useTRPC();
  const page = useQuery(trpc.demands.list.queryOptions({ page: 1, perPage: 10 }));
  if (page.isPending) return <p>Loading demands…</p>;
  if (page.isError) return <p role="alert">{describeError(page.error)}</p>;
  return (
    <section aria-label="Demands">
      <p>{page.data.total} demands</p>
      <ul>
        {page.data.items.map((demand) => (
          <DemandItem key={demand.id} demand={demand} />
        ))}
      </ul>
    </section>
  );
}

function DemandItem({ demand }: { demand: ListedDemand }) {
  // Money is integer fen; dates arrive as Dates, shown on the marketplace's calendar.
  return (
    <li>
      <strong>{demand.title}</strong> · ¥{(demand.priceFen / 100).toFixed(2)} · from{' '}
      {demand.workStart.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })}
    </li>
  );
}

/** Log in by SMS code: a new phone registers as a person. */
function SmsLogin({ onLogin }: { onLogin: (token: string) => void }) {
  const trpc = useTRPC();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const sendCode = useMutation(trpc.auth.requestSmsCode.mutationOptions());
  const login = useMutation(
    trpc.auth.loginWithSmsCode.mutationOptions({ onSuccess: (result) => onLogin(result.token) }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ phone, code, userType: 'person' });
  };
  const failure = login.error ?? sendCode.error;
  return (
    <form onSubmit={submit}>
      <label>
        Phone <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="numeric" />
      </label>
      <button type="button" onClick={() => sendCode.mutate({ phone })} disabled={sendCode.isPending}>
        Send code
      </button>
      {sendCode.isSuccess && <p>Code sent</p>}
      <label>
        Code <input value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" />
      </label>
      <button type="submit" disabled={login.isPending}>
        Log in
      </button>
      {failure && <p role="alert">{describeError(failure)}</p>}
    </form>
  );
}

function Me({ onLogout }: { onLogout: () => void }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: onLogout }));
  if (me.isPending) return <p>Loading your account…</p>;
  if (me.isError) {
    return (
      <p role="alert">
        {describeError(me.error)}{' '}
        <button type="button" onClick={onLogout}>
          Log in again
        </button>
      </p>
    );
  }
  return (
    <p>
      Logged in as {me.data.phone} ({me.data.userType}) since{' '}
      {me.data.createdAt.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })}{' '}
      <button type="button" onClick={() => logout.mutate()}>
        Log out
      </button>
    </p>
  );
}
