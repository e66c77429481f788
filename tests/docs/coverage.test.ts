import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDocs } from '../../server/src/docs/openapi.js';
import { legacyDocGroups } from '../../server/src/legacy/docs/index.js';
import type { LegacyFieldDoc } from '../../server/src/legacy/docs/types.js';
import { legacyRoutes } from '../../server/src/legacy/routes/index.js';

/** Docs are held to the code: every routed URL documented, nothing documented that is not routed. */
describe('legacy docs cover the route table', () => {
  const generated = generateDocs({ timeZone: 'Asia/Shanghai' });
  const routed = legacyRoutes.map((route) => route.path);
  const documented = legacyDocGroups.flatMap((group) => Object.keys(group.routes));

  it('documents every legacy route', () => {
    expect(routed.filter((p) => !documented.includes(p))).toEqual([]);
  });

  it('documents no route that does not exist', () => {
    expect(documented.filter((p) => !routed.includes(p))).toEqual([]);
  });

  it('documents each route once', () => {
    expect(documented.filter((p, i) => documented.indexOf(p) !== i)).toEqual([]);
    expect(routed.filter((p, i) => routed.indexOf(p) !== i)).toEqual([]);
  });

  it('documents exactly the fields each row reads, each in both languages', () => {
    const problems: string[] = [];
    for (const route of generated.legacy) {
      const read = new Set(route.probe.fields);
      for (const field of route.fields) {
        if (!field.doc) problems.push(`${route.path}: ${field.name} is read but not documented`);
        else if (!read.has(field.name))
          problems.push(`${route.path}: ${field.name} is documented but never read`);
        if (!field.zh) problems.push(`${route.path}: ${field.name} has no Chinese description`);
        if (!field.doc?.en) problems.push(`${route.path}: ${field.name} has no English description`);
        for (const [name, item] of Object.entries(field.doc?.items ?? {})) {
          if (!item.zh || !item.en)
            problems.push(`${route.path}: ${field.name}[].${name} lacks a description`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('maps every field of a procedure input to a documented legacy field (or says why not)', () => {
    // Inputs the legacy door never sends: retries of the typed API only.
    const typedOnly = new Set(['idempotencyKey']);
    const problems: string[] = [];
    for (const route of generated.legacy) {
      if (!route.probe.procedure) continue;
      const procedure = generated.procedures.find((p) => p.path === route.probe.procedure);
      const inputs = Object.keys((procedure?.input?.properties ?? {}) as object);
      const fed = new Set(route.fields.map((field) => field.typedField));
      for (const input of inputs) {
        if (!fed.has(input) && !typedOnly.has(input)) problems.push(`${route.path}: nothing feeds ${input}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents legacy codes that decode to the typed values the procedure accepts', () => {
    const problems: string[] = [];
    for (const route of generated.legacy) {
      const row = legacyRoutes.find((r) => r.path === route.path);
      const procedure = generated.procedures.find((p) => p.path === route.probe.procedure);
      for (const field of route.fields) {
        if (field.doc?.type !== 'code' || !row || !field.typedField) continue;
        const typed = (
          procedure?.input?.properties as Record<string, { enum?: unknown[]; anyOf?: unknown }>
        )?.[field.typedField];
        const accepted = typed?.enum ?? (typed?.anyOf as Array<{ enum?: unknown[] }> | undefined)?.[0]?.enum;
        for (const [code, value] of Object.entries(field.doc.codes ?? {})) {
          const decoded = row.decode(
            { [field.name]: code },
            { credentials: {}, timeZone: 'Asia/Shanghai' },
          ) as Record<string, unknown> | undefined;
          if (decoded?.[field.typedField] !== value) {
            problems.push(
              `${route.path}: ${field.name}=${code} decodes to ${String(decoded?.[field.typedField])}`,
            );
          }
          if (!accepted?.includes(value))
            problems.push(`${route.path}: ${value} is not a value of ${field.typedField}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds the procedure of every row that calls one, and a tier for every procedure', () => {
    const withoutProcedure = generated.legacy.filter((r) => !r.probe.procedure).map((r) => r.path);
    expect(withoutProcedure.sort()).toEqual(['/index/api/file_upload', '/user/api/file_upload']);
    const names = generated.procedures.map((p) => p.path);
    for (const route of generated.legacy) {
      if (route.probe.procedure) expect(names).toContain(route.probe.procedure);
    }
    for (const procedure of generated.procedures)
      expect(['public', 'authed', 'admin']).toContain(procedure.tier);
  });

  it('places every documented label on a field of the example answer', () => {
    const problems: string[] = [];
    for (const route of generated.legacy) {
      for (const labelPath of Object.keys(route.doc?.labels ?? {})) {
        let node: Record<string, unknown> | undefined = route.dataSchema;
        for (const segment of labelPath.split('.')) {
          node = (node?.properties as Record<string, Record<string, unknown>> | undefined)?.[
            segment.replace(/\[\]$/, '')
          ];
          if (segment.endsWith('[]')) node = node?.items as Record<string, unknown> | undefined;
        }
        if (!node?.enum) problems.push(`${route.path}: label path ${labelPath} is not in the answer`);
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
    for (const route of generated.legacy) {
      const described = seed.get(route.path);
      if (!described) continue;
      const zhByName = new Map<string, string>();
      for (const field of route.fields) {
        zhByName.set(field.name, field.zh);
        for (const [name, item] of Object.entries(field.doc?.items ?? {}) as Array<
          [string, LegacyFieldDoc]
        >) {
          if (item.zh) zhByName.set(name, item.zh);
        }
      }
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
