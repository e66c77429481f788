import { createClient } from '@marketplace/client-sdk';

const api = createClient({ url: 'http://localhost:3000' });
// A page number must be a number: this line must not compile.
await api.demands.list.query({ page: 'first' });
