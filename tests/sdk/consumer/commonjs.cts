/**
 * A CommonJS project (no `"type": "module"`), as many Node scripts still are: it compiles to
 * `require('@marketplace/client-sdk')`, which Node (20.19+, 22.12+) answers with the SDK's ES module.
 * Run against a server: `node out/commonjs.cjs <url>`; prints the public list's total as JSON.
 */
import { createClient } from '@marketplace/client-sdk';

declare const process: { readonly argv: readonly string[] };

const api = createClient({ url: process.argv[2] ?? '' });
api.demands.list.query({ page: 1 }).then((page) => console.log(JSON.stringify({ total: page.total })));
