// Type-checks dashboards against @grafana/schema with tsc: each dashboard becomes a .ts module whose
// literal must satisfy CheckedDashboard (see dashboard-types.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { here } from './lib.mjs';

/** The dashboard model without the import envelope (__inputs, __requires), which the schema does not describe. */
function model(json) {
  const { __inputs, __requires, ...rest } = json;
  return rest;
}

/**
 * Type-check each { name, json } case. Returns a Map from name to the list of tsc errors in its file.
 * Wrappers are written next to node_modules (so '@grafana/schema' resolves) and removed afterwards.
 */
export function typecheck(cases) {
  const dir = mkdtempSync(join(here, '.typecheck-'));
  try {
    const files = cases.map(({ name, json }) => {
      const file = `${name}.ts`;
      writeFileSync(
        join(dir, file),
        [
          "import type { Dashboard } from '@grafana/schema';",
          "import type { CheckedDashboard, Json } from '../dashboard-types.js';",
          `export const dashboard = ${JSON.stringify(model(json), null, 2)} satisfies CheckedDashboard;`,
          'export const plain: Json<Dashboard> = dashboard;',
          '',
        ].join('\n'),
      );
      return file;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: true,
          types: [],
        },
        files,
      }),
    );
    const tsc = spawnSync(join(here, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
      encoding: 'utf8',
    });
    if (tsc.error) throw tsc.error;
    const output = `${tsc.stdout}${tsc.stderr}`;
    const errors = new Map(cases.map(({ name }) => [name, []]));
    const unattributed = [];
    for (const line of output.split('\n')) {
      if (!line.trim()) continue;
      const m = /^(?:.*[\\/])?([^\\/(]+)\.ts\(\d+,\d+\): error/.exec(line);
      if (m && errors.has(m[1])) errors.get(m[1]).push(line.replace(/^.*[\\/]/, ''));
      else if (/error/i.test(line)) unattributed.push(line);
    }
    if (tsc.status !== 0 && [...errors.values()].every((e) => e.length === 0)) {
      throw new Error(`tsc failed without a per-file error:\n${output}`);
    }
    if (unattributed.length) throw new Error(`tsc reported errors outside the dashboards:\n${unattributed.join('\n')}`);
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
