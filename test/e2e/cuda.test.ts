/**
 * `npm run gpu:cuda` (scripts/cuda.ts) on a temporary copy of onnxruntime-node's install files,
 * without network: the step runs onnxruntime-node's own install script asking for CUDA 12 — over
 * the `.npmrc` that skips it — and an offline machine gets what failed and how to fix it. Nothing
 * is written into the real node_modules.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CUDA_LIBRARIES, enableCuda, ortBinFolder } from '../../scripts/cuda';
import { tempDir } from '../support/loupe';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** package.json and onnxruntime-node's package.json, install scripts and an empty linux/x64 binary folder. */
function aProjectCopy(): string {
  const project = tempDir('loupe-cuda-');
  copyFileSync(join(root, 'package.json'), join(project, 'package.json'));
  const real = join(root, 'node_modules', 'onnxruntime-node');
  const copy = join(project, 'node_modules', 'onnxruntime-node');
  mkdirSync(join(copy, 'bin', 'napi-v6', 'linux', 'x64'), { recursive: true });
  copyFileSync(join(real, 'package.json'), join(copy, 'package.json'));
  cpSync(join(real, 'script'), join(copy, 'script'), { recursive: true });
  for (const name of ['global-agent', 'adm-zip']) symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name), 'junction');
  return project;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function capture() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, out: (line: string) => lines.out.push(line), err: (line: string) => lines.err.push(line) };
}

describe('npm run gpu:cuda', () => {
  it('runs onnxruntime-node\'s install for CUDA 12 despite .npmrc, and offline says what failed and how to fix it', { skip: process.platform === 'linux' && process.arch === 'x64' ? false : 'the CUDA provider exists for Linux x64 only' }, async () => {
    const project = aProjectCopy();
    const io = capture();
    const env = {
      PATH: process.env.PATH,
      HOME: project,
      // What npm passes from .npmrc; the step must win over it.
      npm_config_onnxruntime_node_install: 'skip',
      GLOBAL_AGENT_HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}`,
    };
    const code = enableCuda(project, { env, out: io.out, err: io.err });
    assert.equal(code, 1);
    const said = io.lines.err.join('\n');
    // The script really tried NuGet (through the refused proxy): the .npmrc skip did not win.
    assert.match(said, /Missing: the CUDA provider for ONNX Runtime\n {2}the download from NuGet failed \(Error: connect ECONNREFUSED 127\.0\.0\.1:\d+\)/);
    assert.match(said, /npm run gpu:cuda/);
    assert.match(said, new RegExp(CUDA_LIBRARIES[0]!.replaceAll('.', '\\.')));
    assert.doesNotMatch(said, /^\s+at /m);
    assert.deepEqual(readdirSync(ortBinFolder(project, 'x64')), []);
  });

  it('does nothing when the libraries are already there', () => {
    const project = aProjectCopy();
    for (const library of CUDA_LIBRARIES) writeFileSync(join(ortBinFolder(project, 'x64'), library), '');
    const io = capture();
    assert.equal(enableCuda(project, { platform: 'linux', arch: 'x64', out: io.out, err: io.err }), 0);
    assert.match(io.lines.out.join('\n'), /already installed/);
  });

  it('points Windows and macOS at the providers they already have', () => {
    const project = aProjectCopy();
    for (const [platform, provider] of [['win32', 'DirectML'], ['darwin', 'CoreML']] as const) {
      const io = capture();
      assert.equal(enableCuda(project, { platform, arch: 'x64', out: io.out, err: io.err }), 2);
      assert.match(io.lines.err.join('\n'), new RegExp(`Linux x64 only .*${provider}`));
    }
    assert.equal(existsSync(join(ortBinFolder(project, 'x64'), CUDA_LIBRARIES[0]!)), false);
  });
});
