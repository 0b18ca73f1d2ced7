/**
 * What this machine's ONNX Runtime can run on, for `loupe doctor` and Settings: the ladder, what
 * the installed onnxruntime-node knows, whether the CUDA provider's libraries are installed (Linux),
 * and the provider a model really loads on, found by loading a one-node model through the ladder.
 */
import { existsSync } from 'node:fs';
import { listSupportedBackends } from 'onnxruntime-node';
import { buildModel, encodeModel, GraphBuilder } from '../onnx';
import { createSession, cudaProviderLibrary, defaultProviders } from './createSession';
import type { Provider } from './session';

export interface ProviderReport {
  /** The rungs tried here, in order. */
  ladder: Provider[];
  /** What the installed onnxruntime-node names, and whether each ships inside the package. */
  known: { name: string; bundled: boolean }[];
  /** Linux: the CUDA provider's library and whether it is installed. */
  cuda?: { library: string; present: boolean };
  /** The provider a model loads on here. */
  inUse: Provider;
  /** Rungs above it that failed, with ONNX Runtime's reason. */
  fellBack: { provider: Provider; reason: string }[];
}

/** Load a one-node model through the ladder and say where it landed (a few milliseconds). */
export async function probeProviders(platform: NodeJS.Platform = process.platform): Promise<ProviderReport> {
  const ladder = defaultProviders(platform);
  const fellBack: ProviderReport['fellBack'] = [];
  const g = new GraphBuilder('probe');
  g.output(g.op('Identity', [g.input('x', 'float32', [1])]), 'float32', [1], 'y');
  const { session, provider } = await createSession(encodeModel(buildModel(g)), {
    providers: ladder,
    name: 'provider probe',
    threads: 1,
    log: (level, _message, fields) => {
      if (level === 'warn' && fields) fellBack.push({ provider: fields.provider as Provider, reason: String(fields.reason) });
    },
  });
  await session.release();
  const library = platform === 'linux' ? cudaProviderLibrary() : undefined;
  return {
    ladder,
    known: listSupportedBackends().map((backend) => ({ name: backend.name, bundled: backend.bundled })),
    ...(library ? { cuda: { library, present: existsSync(library) } } : {}),
    inUse: provider,
    fellBack,
  };
}
