import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDocs } from '../../server/src/docs/openapi.js';
import type { LegacyFields } from '../../server/src/legacy/fields.js';
import { legacyRouteGroups, legacyRoutes } from '../../server/src/legacy/routes/index.js';

/** Every field of a table, the fields of its lists' items included, by legacy name. */
function everyField(fields: LegacyFields): Array<[string, LegacyFields[string]]> {
  return Object.entries(fields).flatMap(([name, field]) => [
    [name, field] as [string, LegacyFields[string]],
    ...everyField(field.kind.items ?? {}),
  ]);
}

/**
 * The docs are read from the route rows, so a URL or a field cannot go undocumented; these hold the
 * rows to what a reader needs, and to the procedures they call.
 */
describe('legacy docs and the route rows', () => {
  const generated = generateDocs({ timeZone: 'Asia/Shanghai' });
  const routed = legacyRoutes.map((route) => route.path);

  it('routes each URL once, in one group, and documents every one', () => {
    expect(routed.filter((p, i) => routed.indexOf(p) !== i)).toEqual([]);
    expect(generated.legacy.map((resolved) => resolved.route.path).sort()).toEqual([...routed].sort());
    expect(legacyRouteGroups.every((group) => group.tag && group.description)).toBe(true);
    const paths = Object.keys(generated.document.paths).filter(
      (p) => !p.startsWith('/trpc') && p.startsWith('/'),
    );
    expect(paths.filter((p) => /^\/(index|user)\//.test(p)).sort()).toEqual([...routed].sort());
  });

  it('describes every URL and every field it reads in both languages', () => {
    const problems: string[] = [];
    for (const route of legacyRoutes) {
      if (!route.summary.zh || !route.summary.en) problems.push(`${route.path}: summary`);
      for (const [name, field] of everyField(route.fields)) {
        if (!field.label) problems.push(`${route.path}: ${name} has no Chinese label`);
        if (!field.en) problems.push(`${route.path}: ${name} has no English description`);
      }
    }
    for (const resolved of generated.legacy) {
      for (const field of resolved.fields) {
        if (!field.zh || !field.en)
          problems.push(`${resolved.route.path}: ${field.name} lacks a description`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('feeds every field of a procedure input from a legacy field, and nothing the procedure does not take', () => {
    // Options of the typed API the legacy door never sends: retries' keys, and the console's
    // refusal to register an unknown phone (the old SMS login always registers).
    const typedOnly = new Set(['idempotencyKey', 'register']);
    const problems: string[] = [];
    for (const resolved of generated.legacy) {
      if (!resolved.procedure) continue;
      const procedure = generated.procedures.find((p) => p.path === resolved.procedure);
      const inputs = Object.keys((procedure?.input?.properties ?? {}) as object);
      const fed = new Set(resolved.fields.map((field) => field.typedField));
      for (const input of inputs) {
        if (!fed.has(input) && !typedOnly.has(input))
          problems.push(`${resolved.route.path}: nothing feeds ${input}`);
      }
      // A row that translates before the call (`prepare`) may take fields the procedure does not.
      const translates = 'prepare' in resolved.route && resolved.route.prepare !== undefined;
      for (const field of resolved.fields) {
        if (field.typedField && !inputs.includes(field.typedField) && !translates)
          problems.push(`${resolved.route.path}: ${field.name} feeds ${field.typedField}, which is no input`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('decodes every code and label of an enumerated field to a value the procedure accepts', () => {
    const problems: string[] = [];
    for (const resolved of generated.legacy) {
      const procedure = generated.procedures.find((p) => p.path === resolved.procedure);
      for (const [name, field] of everyField(resolved.route.fields)) {
        const enumeration = field.kind.enumeration;
        if (!enumeration) continue;
        const typed = (procedure?.input?.properties as Record<string, Record<string, unknown>> | undefined)?.[
          field.to
        ];
        const accepted = (typed?.enum ??
          (typed?.items as { enum?: unknown[] } | undefined)?.enum ??
          (typed?.anyOf as Array<{ enum?: unknown[]; type?: string }> | undefined)?.flatMap(
            (option) => option.enum ?? (option.type === 'null' ? [null] : []),
          ) ??
          (typed?.type === 'boolean' ? [true, false] : undefined)) as unknown[] | undefined;
        for (const entry of enumeration.entries) {
          for (const sent of [entry.code, String(entry.code), entry.label, ` ${entry.label} `]) {
            const decoded = field.kind.decode(sent, 'Asia/Shanghai');
            if (JSON.stringify(decoded) !== JSON.stringify(entry.means))
              problems.push(
                `${resolved.route.path}: ${name}=${JSON.stringify(sent)} decodes to ${JSON.stringify(decoded)}`,
              );
          }
          for (const value of [entry.means].flat()) {
            if (!accepted?.includes(value))
              problems.push(`${resolved.route.path}: ${String(value)} is not a value of ${field.to}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds the procedure of every row that calls one, and a tier for every procedure', () => {
    const withoutProcedure = generated.legacy.filter((r) => !r.procedure).map((r) => r.route.path);
    expect(withoutProcedure.sort()).toEqual(['/index/api/file_upload', '/user/api/file_upload']);
    const names = generated.procedures.map((p) => p.path);
    for (const resolved of generated.legacy) {
      if (resolved.procedure) expect(names).toContain(resolved.procedure);
    }
    for (const procedure of generated.procedures)
      expect(['public', 'authed', 'admin']).toContain(procedure.tier);
  });

  it('places every documented label on a field of the example answer', () => {
    const problems: string[] = [];
    for (const resolved of generated.legacy) {
      for (const labelPath of Object.keys(resolved.route.labels ?? {})) {
        let node: Record<string, unknown> | undefined = resolved.dataSchema;
        for (const segment of labelPath.split('.')) {
          node = (node?.properties as Record<string, Record<string, unknown>> | undefined)?.[
            segment.replace(/\[\]$/, '')
          ];
          if (segment.endsWith('[]')) node = node?.items as Record<string, unknown> | undefined;
        }
        if (!node?.enum)
          problems.push(`${resolved.route.path}: label path ${labelPath} is not in the answer`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/**
 * The Chinese descriptions agree with the old backend's API document wherever it names the field,
 * except where that document is known to be wrong (CONTRACT.md wins).
 */
describe('Chinese field names follow seed/api.txt', () => {
  const seedFile = path.resolve(__dirname, '../../../shared/seed/api.txt');
  const seedKnownWrong: Record<string, string> = {
    '/index/api/loginpassword password': 'the seed calls the password 验证码 (copied from the SMS login)',
    '/user/goods_order/ok source': 'the seed writes 成功稿件 for 成果稿件 (the delivered work)',
  };

  it.skipIf(!existsSync(seedFile))('uses the seed wording (seed at ../shared/seed/api.txt)', () => {
    const seed = parseSeed(readFileSync(seedFile, 'utf8'));
    const generated = generateDocs({ timeZone: 'Asia/Shanghai' });
    const problems: string[] = [];
    let compared = 0;
    for (const resolved of generated.legacy) {
      const route = resolved.route;
      const described = seed.get(route.path);
      if (!described) continue;
      const zhByName = new Map<string, string>();
      for (const field of resolved.fields) zhByName.set(field.name, field.zh);
      for (const [name, field] of everyField(route.fields))
        if (!zhByName.has(name)) zhByName.set(name, field.label);
      for (const [name, descriptions] of described) {
        const zh = zhByName.get(name);
        if (zh === undefined || seedKnownWrong[`${route.path} ${name}`]) continue;
        compared += 1;
        const matches = descriptions.some((d) => d === zh || d.startsWith(zh) || zh.startsWith(d));
        if (!matches)
          problems.push(`${route.path} ${name}: docs say ${zh}, the seed ${descriptions.join(' / ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(150);
  });
});

/**
 * seed/api.txt: sections of one or more paths, then `field description...` lines. Descriptions
 * that are not Chinese words (code lists like `1个人 2企业`, column names) say nothing to compare.
 */
function parseSeed(text: string): Map<string, Map<string, string[]>> {
  const byPath = new Map<string, Map<string, string[]>>();
  let paths: string[] = [];
  let inPaths = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('/')) {
      if (!inPaths) paths = [];
      inPaths = true;
      paths.push(line.toLowerCase().replace(/\/+$/, ''));
      continue;
    }
    inPaths = false;
    const [name, description] = line.split(/\s+/);
    if (!name || !description || !/^[a-z_]+$/.test(name) || !/^[\u4e00-\u9fff]/.test(description)) continue;
    for (const p of paths) {
      const fields = byPath.get(p) ?? new Map<string, string[]>();
      fields.set(name, [...(fields.get(name) ?? []), description.replace(/-上传接口$/, '')]);
      byPath.set(p, fields);
    }
  }
  return byPath;
}
