/**
 * Builds the installable package into client-sdk/dist (`npm run build:sdk`; `npm pack` runs it too):
 *
 * - `index.js`, `react.js`: ESM, bundled by esbuild from src/, with the limits shared with the
 *   server (server/src/trpc/limits.ts) inlined; every package stays an import.
 * - `index.d.ts`: one declaration file with the router's types inlined, bundled by rollup-plugin-dts
 *   from the same sources; `react.d.ts` imports its types from it through the package's own name.
 *
 * Then it refuses what would break a frontend: a file of the server other than the shared limits in
 * the JavaScript, or an import that is not a dependency or peer of the package (kysely, fastify, zod,
 * ... would mean server types leaked into the declarations).
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin as EsbuildPlugin } from 'esbuild';
import { type Plugin as RollupPlugin, rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const sdk = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repository = path.resolve(sdk, '..');
const dist = path.join(sdk, 'dist');
const manifest = JSON.parse(readFileSync(path.join(sdk, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

const entries = { index: path.join(sdk, 'src/index.ts'), react: path.join(sdk, 'src/react.ts') };
/** The only server source the package may carry: plain numbers, no imports. */
const sharedLimits = path.join(repository, 'server/src/trpc/limits.ts');
const serverContext = path.join(repository, 'server/src/trpc/context.ts');
/** The package's dependencies and peers, the peers' own peer `@trpc/server`, and the package itself. */
const importable = new Set([
  manifest.name,
  ...Object.keys(manifest.dependencies),
  ...Object.keys(manifest.peerDependencies ?? {}),
]);
const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

/** The React entry reaches the main one as a package import, so an app loads (and types) it once. */
const reactEntryImportsPackage = (importer: string | undefined, specifier: string) =>
  importer === entries.react && specifier === './index.js';

const problems: string[] = [];

rmSync(dist, { recursive: true, force: true });

// JavaScript.
const javascriptSelfImport: EsbuildPlugin = {
  name: 'react-entry-imports-package',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/index\.js$/ }, (args) =>
      reactEntryImportsPackage(args.importer, args.path)
        ? { path: manifest.name, external: true }
        : undefined,
    );
  },
};
const javascript = await build({
  entryPoints: entries,
  outdir: dist,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  packages: 'external',
  plugins: [javascriptSelfImport],
  metafile: true,
  logLevel: 'warning',
});
for (const [file, output] of Object.entries(javascript.metafile.outputs)) {
  for (const input of Object.keys(output.inputs)) {
    const source = path.resolve(repository, input);
    if (!source.startsWith(path.join(sdk, 'src') + path.sep) && source !== sharedLimits) {
      problems.push(`${file} carries ${input}`);
    }
  }
  for (const imported of output.imports) {
    if (!importable.has(packageOf(imported.path))) problems.push(`${file} imports ${imported.path}`);
  }
}

// Declarations.
const eraseServerContext: RollupPlugin = {
  name: 'erase-server-context',
  async resolveId(specifier, importer) {
    if (reactEntryImportsPackage(importer, specifier)) return { id: manifest.name, external: true };
    const resolved = await this.resolve(specifier, importer, { skipSelf: true });
    return resolved?.id === serverContext ? path.join(sdk, 'scripts/server-context.d.ts') : null;
  },
};
const declarations = await rollup({
  input: entries,
  plugins: [
    eraseServerContext,
    dts({
      tsconfig: path.join(repository, 'tsconfig.json'),
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true },
    }),
  ],
  onwarn(warning) {
    problems.push(`declarations: ${warning.message}`);
  },
});
const { output } = await declarations.write({ dir: dist, format: 'es', entryFileNames: '[name].d.ts' });
await declarations.close();
for (const chunk of output) {
  if (chunk.type !== 'chunk') continue;
  if (!Object.hasOwn(entries, chunk.name)) problems.push(`declarations: an extra chunk ${chunk.fileName}`);
  for (const imported of [...chunk.imports, ...chunk.dynamicImports]) {
    if (!importable.has(packageOf(imported))) problems.push(`${chunk.fileName} imports ${imported}`);
  }
  if (/^\/\/\/\s*<reference/m.test(chunk.code)) {
    problems.push(`${chunk.fileName} references ambient types`);
  }
}

if (problems.length > 0) {
  process.stderr.write(`client-sdk build refused:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`client-sdk built into ${path.relative(repository, dist)}/\n`);
