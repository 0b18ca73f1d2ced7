/**
 * `npm run gpu:cuda`: the opt-in step that gives ONNX Runtime the GPU on Linux. onnxruntime-node
 * bundles its CPU provider (and DirectML on Windows, CoreML on macOS) but not the CUDA provider's
 * libraries, which its install script downloads from NuGet — skipped here by `.npmrc`
 * (onnxruntime-node-install=skip) so that installs need no GPU and no extra network. This runs that
 * same script with ONNXRUNTIME_NODE_INSTALL=cuda12 (the environment variable wins over .npmrc),
 * which fetches the libraries matching the installed onnxruntime-node. The CUDA 12 runtime and
 * cuDNN 9 must be installed on the machine; `loupe doctor` then says whether models load on cuda.
 * Proxies: GLOBAL_AGENT_HTTPS_PROXY, as the install script reads it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMissing, firstLine, MissingPiece } from './missing';

/** The libraries the install script puts beside onnxruntime-node's binding (its install-metadata.js). */
export const CUDA_LIBRARIES = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'];

export function ortBinFolder(root: string, arch: string = process.arch): string {
  const ort = dirname(createRequire(join(root, 'package.json')).resolve('onnxruntime-node/package.json'));
  return join(ort, 'bin', 'napi-v6', 'linux', arch);
}

export interface CudaOptions {
  env?: NodeJS.ProcessEnv;
  platform?: string;
  arch?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Fetch the CUDA provider for the project at `root`; resolves to the exit code. */
export function enableCuda(root: string, options: CudaOptions = {}): number {
  const out = options.out ?? ((line) => console.log(line));
  const err = options.err ?? ((line) => console.error(line));
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  if (platform !== 'linux' || arch !== 'x64') {
    err(
      `The CUDA provider is offered for Linux x64 only (this is ${platform} ${arch}). ` +
        (platform === 'win32' ? 'Windows uses DirectML, which is already bundled.' : platform === 'darwin' ? 'macOS uses CoreML, which is already bundled.' : 'Models run on the CPU here.'),
    );
    return 2;
  }
  const folder = ortBinFolder(root, arch);
  const installed = (): boolean => CUDA_LIBRARIES.every((library) => existsSync(join(folder, library)));
  if (installed()) {
    out(`The CUDA provider is already installed in ${folder}.`);
    return 0;
  }
  out('Downloading the CUDA provider for the installed onnxruntime-node from NuGet (several hundred MB, once)...');
  const script = join(dirname(folder), '..', '..', '..', 'script', 'install.js');
  const run = spawnSync(process.execPath, [script], {
    cwd: dirname(script),
    env: { ...(options.env ?? process.env), ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
    encoding: 'utf8',
  });
  if (run.status === 0 && installed()) {
    out(`Installed in ${folder}: ${CUDA_LIBRARIES.join(', ')}.`);
    out('Models now try CUDA first (the NVIDIA driver, CUDA 12 and cuDNN 9 must be installed); `loupe doctor` shows the provider in use.');
    return 0;
  }
  const output = `${run.stderr ?? ''}\n${run.stdout ?? ''}`;
  // The script ends on an unhandled rejection: its message is the line that starts with the error's name.
  const reason = run.error ? firstLine(run.error) : (/^\w*Error: .*$/m.exec(output)?.[0] ?? `exit ${run.status}`);
  err(
    describeMissing([
      new MissingPiece('the CUDA provider for ONNX Runtime', `the download from NuGet failed (${reason}).`, [
        'npm run gpu:cuda   (with network access to api.nuget.org; GLOBAL_AGENT_HTTPS_PROXY sets a proxy)',
        `air-gapped: copy ${CUDA_LIBRARIES.join(', ')} from node_modules/onnxruntime-node/bin/napi-v6/linux/x64/ of a machine where this step worked (same onnxruntime-node version) into ${folder}`,
      ]),
    ]),
  );
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = enableCuda(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
}
