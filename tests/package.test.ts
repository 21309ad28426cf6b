// The library is meant to be embedded: pack it, install the tarball into a scratch project and
// import it with plain Node (no tsx), through the `exports` map and its .d.ts files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'pegasus-ts-pack-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

describe('npm pack', () => {
  it('packs, installs into a scratch project and imports without tsx', () => {
    npm(['pack', '--pack-destination', scratch, '--silent'], ROOT);
    const tgz = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz, 'npm pack produced no tarball');
    const app = join(scratch, 'app');
    npm(['init', '-y'], scratch);
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }),
    );
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', join(scratch, tgz)], app);
    const pkgDir = join(app, 'node_modules', 'pegasus-ts');
    assert.ok(
      existsSync(join(pkgDir, 'dist', 'client', 'index.d.ts')),
      'type declarations missing from the package',
    );
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as api from 'pegasus-ts';
         import * as wire from 'pegasus-ts/wire';
         import * as routing from 'pegasus-ts/routing';
         const client = new api.PegasusClient({ metaServers: ['127.0.0.1:1'] });
         await client.close();
         console.log(JSON.stringify({
           client: typeof api.PegasusClient,
           closed: client.closed,
           crc: routing.crc64(Buffer.from('a')).toString(16),
           frame: wire.encodeRequest('RPC_RRDB_RRDB_GET', 1, routing.encodeKey(Buffer.from('a'), Buffer.from('b')),
             { app_id: 2, partition_index: 4, client_timeout_ms: 1000, partition_hash: routing.crc64(Buffer.from('a')), is_backup_request: false }).length,
         }));`,
      ],
      { cwd: app, encoding: 'utf8' },
    );
    // 94 bytes: docs/PROTOCOL.md 11, vector S2 (GET, header v1)
    assert.deepEqual(JSON.parse(out), {
      client: 'function',
      closed: true,
      crc: '8c2f8445b4cbfc3c',
      frame: 94,
    });
  });
});
