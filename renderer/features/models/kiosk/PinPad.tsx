import { useEffect, useRef, useState } from 'react';
import { Dialog, Icon } from '../../../ui';
import { useModelsT } from '../i18n';
import { verifyPin, type PinAnswer } from './pin';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'back', '0', 'enter'] as const;

/** An on-screen keypad for the kiosk PIN: no keyboard needed, and a physical one works too (digits, Backspace, Enter). */
export function PinPad({ title, onClose, onVerified }: { title: string; onClose: () => void; onVerified: () => void }) {
  const { t, app } = useModelsT();
  const [digits, setDigits] = useState('');
  const [wrong, setWrong] = useState<PinAnswer | undefined>();
  const [isChecking, setChecking] = useState(false);
  const [lockedUntilMs, setLockedUntilMs] = useState<number | undefined>();
  const [nowMs, setNowMs] = useState(() => Date.now());
  const secondsLeft = lockedUntilMs === undefined ? 0 : Math.ceil((lockedUntilMs - nowMs) / 1000);
  const isLocked = wrong?.kind === 'locked' && (lockedUntilMs === undefined || secondsLeft > 0);

  useEffect(() => {
    if (lockedUntilMs === undefined) return;
    const timer = window.setInterval(() => {
      const now = Date.now();
      setNowMs(now);
      if (now >= lockedUntilMs) {
        window.clearInterval(timer);
        setWrong(undefined);
        setLockedUntilMs(undefined);
      }
    }, 500);
    return () => window.clearInterval(timer);
  }, [lockedUntilMs]);

  const submit = async (pin: string) => {
    setChecking(true);
    let answer: PinAnswer;
    try {
      answer = await verifyPin(pin);
    } catch {
      answer = { kind: 'wrong', attemptsLeft: undefined };
    }
    setChecking(false);
    if (answer.kind === 'verified') {
      onVerified();
      return;
    }
    setWrong(answer);
    setDigits('');
    if (answer.kind === 'locked' && answer.retryAfterSeconds !== undefined) {
      setNowMs(Date.now());
      setLockedUntilMs(Date.now() + answer.retryAfterSeconds * 1000);
    }
  };

  const press = (key: (typeof KEYS)[number]) => {
    if (isLocked) return;
    setWrong(undefined);
    if (key === 'back') setDigits((value) => value.slice(0, -1));
    else if (key === 'enter') void submit(digits);
    else setDigits((value) => (value.length < 8 ? value + key : value));
  };

  const pressRef = useRef(press);
  pressRef.current = press;
  const digitsRef = useRef(digits);
  digitsRef.current = digits;
  const isCheckingRef = useRef(isChecking);
  isCheckingRef.current = isChecking || isLocked;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const key = /^[0-9]$/.test(event.key) ? (event.key as (typeof KEYS)[number]) : event.key === 'Backspace' ? 'back' : event.key === 'Enter' ? 'enter' : null;
      if (!key) return;
      event.preventDefault();
      if (isCheckingRef.current || (key === 'enter' && digitsRef.current.length < 4)) return;
      pressRef.current(key);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <Dialog title={title} description={t('kiosk.pin.prompt')} closeLabel={app('common.close')} onClose={onClose} size="sm">
      <div className={`pin-pad ${wrong ? 'is-wrong' : ''}`}>
        <p className="pin-pad__display" aria-live="polite" aria-label={t('kiosk.pin.entered', { count: digits.length })}>
          {digits.length === 0 ? <span className="pin-pad__placeholder">{t('kiosk.pin.placeholder')}</span> : '●'.repeat(digits.length)}
        </p>
        {wrong ? (
          <p className="pin-pad__error" role="alert" data-testid="pin-error">
            {wrong.kind === 'locked'
              ? lockedUntilMs === undefined
                ? t('kiosk.pin.lockedLater')
                : t('kiosk.pin.locked', { seconds: Math.max(1, secondsLeft) })
              : wrong.kind === 'wrong' && wrong.attemptsLeft !== undefined
                ? t('kiosk.pin.wrongLeft', { count: wrong.attemptsLeft })
                : t('kiosk.pin.wrong')}
          </p>
        ) : null}
        <div className="pin-pad__keys">
          {KEYS.map((key) => (
            <button
              key={key}
              type="button"
              className={`pin-pad__key ${key === 'enter' ? 'is-enter' : ''}`}
              disabled={isChecking || isLocked || (key === 'enter' && digits.length < 4)}
              aria-label={key === 'back' ? t('kiosk.pin.back') : key === 'enter' ? t('kiosk.pin.enter') : key}
              onClick={() => press(key)}
            >
              {key === 'back' ? <Icon name="chevronLeft" size={22} /> : key === 'enter' ? <Icon name="check" size={22} /> : key}
            </button>
          ))}
        </div>
      </div>
    </Dialog>
  );
}
