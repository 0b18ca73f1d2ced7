/**
 * One inference unit's thread (see inferenceUnits.ts): loads the model, says it is ready, then
 * for each image normalises the pixels into its one input buffer, runs the session and sends the
 * output back. Bundled as dist/app/inference.cjs for the app.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toModelBatch } from '../../native/models/modelInput';
import type { ModelSpec } from '../../native/models';
import { createSession, type OrtSession } from '../../native/ort';
import type { FromUnit, ToUnit, UnitSetup } from './inferenceUnits';

const port = parentPort;
if (!port) throw new Error('inferenceUnit runs as a worker thread');
const setup = workerData as UnitSetup;
const spec = { input: setup.input } as ModelSpec;
const send = (message: FromUnit) => port.postMessage(message);

/** Requests arrive only after 'ready' (the pool waits for it), so the session is there for each. */
let session: OrtSession | undefined;
let input: Float32Array | undefined;

async function run({ width, height, data }: Extract<ToUnit, { type: 'run' }>): Promise<void> {
  try {
    if (!session) throw new Error('the unit has no session');
    const batch = toModelBatch([{ width, height, data }], spec, input);
    input = batch.data;
    const extra = setup.extraOutputs ?? [];
    const outputs = await session.run({ [setup.input.name]: batch }, { outputs: [setup.output, ...extra] });
    const out = outputs[setup.output]!;
    send({
      type: 'result',
      data: out.data as Float32Array,
      dims: out.dims,
      ...(extra.length > 0 ? { extra: extra.map((name) => ({ data: outputs[name]!.data as Float32Array, dims: outputs[name]!.dims })) } : {}),
    });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', (message: ToUnit) => {
  if (message.type === 'run') void run(message);
  else void Promise.resolve(session?.release()).then(() => port.close());
});

createSession(setup.modelPath, { threads: setup.threads, name: 'unit' }).then(
  (created) => {
    session = created.session;
    send({ type: 'ready', provider: created.provider });
  },
  (error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    port.close();
  },
);
