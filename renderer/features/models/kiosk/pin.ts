/**
 * The kiosk's exit PIN: 4–8 digits, kept by Loupe's backend as a salted hash (SetKioskPin,
 * VerifyKioskPin), so every kiosk window and every kiosk page served by `loupe serve` asks for
 * the same one. Whether one is set comes with the settings (GetSettings, SettingsChanged) and is
 * mirrored here for React's useSyncExternalStore.
 */
import { ApiError, call, subscribe } from '../../../api';
import { isValidPin } from './pinRules';

/** Unknown until GetSettings answers. */
let isSet: boolean | undefined;
let started = false;
const listeners = new Set<() => void>();

function update(value: boolean): void {
  if (value === isSet) return;
  isSet = value;
  for (const listener of listeners) listener();
}

/** Learn the current state once, then follow SettingsChanged from any window. */
function start(): void {
  if (started) return;
  started = true;
  subscribe('SettingsChanged', (settings) => update(settings.KioskPinSet === true));
  call('GetSettings', {}).then(
    (settings) => update(settings.KioskPinSet === true),
    () => undefined,
  );
}

export { isValidPin } from './pinRules';

export function subscribePin(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function hasPin(): boolean {
  return isSet === true;
}

/**
 * Whether leaving the kiosk must go through the PIN pad: also while it is not yet known whether a
 * PIN is set, so an Exit pressed right after a reload does not slip out (with no PIN, any PIN passes).
 */
export function mustAskPin(): boolean {
  return isSet !== false;
}

export async function setPin(pin: string): Promise<void> {
  if (!isValidPin(pin)) throw new Error('A PIN is 4 to 8 digits.');
  update((await call('SetKioskPin', { Pin: pin })).KioskPinSet);
}

export async function clearPin(): Promise<void> {
  update((await call('SetKioskPin', {})).KioskPinSet);
}

export type PinAnswer =
  | { kind: 'verified' }
  | { kind: 'wrong'; attemptsLeft: number | undefined }
  /** Too many wrong PINs: the backend refuses every PIN for a while (seconds unknown after a reload). */
  | { kind: 'locked'; retryAfterSeconds: number | undefined };

/** Verified when no PIN is set, or when `pin` is it; the backend limits wrong guesses. */
export async function verifyPin(pin: string): Promise<PinAnswer> {
  try {
    const answer = await call('VerifyKioskPin', { Pin: pin });
    if (answer.Verified) return { kind: 'verified' };
    if (answer.RetryAfterSeconds !== undefined) return { kind: 'locked', retryAfterSeconds: answer.RetryAfterSeconds };
    return { kind: 'wrong', attemptsLeft: answer.AttemptsLeft };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'ThrottlingException') {
      const seconds = /in (\d+) seconds/.exec(error.message)?.[1];
      return { kind: 'locked', retryAfterSeconds: seconds === undefined ? undefined : Number(seconds) };
    }
    throw error;
  }
}
