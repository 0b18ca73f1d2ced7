import { useEffect, useState } from 'react';
import {
  chordLabel,
  chordsOf,
  commandIds,
  commandsOnChord,
  defaultKeymap,
  resetCommandKeys,
  setCommandKeys,
  useKeymap,
  type CommandGroup,
  type CommandId,
} from '../../commands';
import { Button, Dialog } from '../../ui';
import type { LabelingT } from './i18n';

export interface HelpDialogProps {
  onClose: () => void;
  t: LabelingT;
  translate: (key: string, values?: Record<string, unknown>) => string;
}

const GROUPS: readonly CommandGroup[] = ['general', 'labels', 'images', 'boxes', 'view'];
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'Fn', 'Process', 'Unidentified', 'Dead']);

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function Keys({ chord }: { chord: string }) {
  return (
    <span className="lab-chord">
      {chordLabel(chord, isMac).map((part, index) => (
        <kbd key={index} className="lab-key">
          {part}
        </kbd>
      ))}
    </span>
  );
}

/** The `?` overlay: every command from the keymap, grouped, with its keys; keys can be changed. */
export function HelpDialog({ onClose, t, translate }: HelpDialogProps) {
  const keymap = useKeymap();
  const [capturing, setCapturing] = useState<CommandId | null>(null);
  const [problem, setProblem] = useState<{ id: CommandId; text: string } | null>(null);

  const describe = (id: CommandId) => {
    const spec = keymap[id];
    return translate(spec.description, spec.values);
  };

  // While waiting for a new key, the next key press is the binding (Escape gives up).
  useEffect(() => {
    if (!capturing) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (MODIFIER_KEYS.has(event.key)) return;
      event.preventDefault();
      event.stopPropagation();
      if (event.key === 'Escape' && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        setCapturing(null);
        return;
      }
      const chord = chordsOf(event)[0];
      if (!chord) return;
      const clashes = commandsOnChord(keymap, chord, keymap[capturing].scope, capturing);
      if (clashes.length > 0) {
        const other = clashes[0]!;
        setProblem({
          id: capturing,
          text: t('help.conflict', { keys: chordLabel(chord, isMac).join('+'), command: describe(other) }),
        });
        setCapturing(null);
        return;
      }
      setCommandKeys(capturing, [chord]);
      setProblem(null);
      setCapturing(null);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  });

  const isChanged = (id: CommandId) => keymap[id].keys.join(' ') !== defaultKeymap[id].keys.join(' ');
  const anyChanged = commandIds.some(isChanged);

  return (
    <Dialog
      title={t('help.title')}
      description={t('help.description')}
      onClose={() => {
        if (!capturing) onClose();
      }}
      closeLabel={t('help.close')}
      footer={
        <>
          <Button onClick={() => resetCommandKeys()} disabled={!anyChanged}>
            {t('help.resetAll')}
          </Button>
          <Button variant="primary" onClick={onClose}>
            {t('help.done')}
          </Button>
        </>
      }
    >
      <div className="lab-help">
        <section className="lab-help__group">
          <h3 className="lab-help__heading">{t('help.groups.pointer')}</h3>
          <dl className="lab-help__list">
            {(['drawHint', 'moveHint', 'resizeHint', 'panHint', 'zoomHint', 'selectHint'] as const).map((key) => (
              <div key={key} className="lab-help__row">
                <dt>{t(`help.pointer.${key}`)}</dt>
                <dd className="lab-muted">{t(`help.pointer.${key}Keys`)}</dd>
              </div>
            ))}
          </dl>
        </section>
        {GROUPS.map((group) => (
          <section key={group} className="lab-help__group">
            <h3 className="lab-help__heading">{t(`help.groups.${group}`)}</h3>
            <dl className="lab-help__list">
              {commandIds
                .filter((id) => keymap[id].group === group)
                .map((id) => (
                  <div key={id} className={`lab-help__row ${capturing === id ? 'is-capturing' : ''}`} data-command={id}>
                    <dt>
                      {describe(id)}
                      {problem?.id === id ? (
                        <span className="lab-help__problem" role="alert">
                          {problem.text}
                        </span>
                      ) : null}
                    </dt>
                    <dd>
                      {capturing === id ? (
                        <span className="lab-help__capture">{t('help.pressKeys')}</span>
                      ) : keymap[id].keys.length === 0 ? (
                        <span className="lab-muted">{t('help.unbound')}</span>
                      ) : (
                        keymap[id].keys.map((chord) => <Keys key={chord} chord={chord} />)
                      )}
                      <button
                        type="button"
                        className="lab-text-button"
                        onClick={() => {
                          setProblem(null);
                          setCapturing(capturing === id ? null : id);
                        }}
                        aria-label={t('help.changeFor', { command: describe(id) })}
                      >
                        {capturing === id ? t('help.cancelChange') : t('help.change')}
                      </button>
                      {isChanged(id) ? (
                        <button type="button" className="lab-text-button" onClick={() => resetCommandKeys(id)} aria-label={t('help.resetFor', { command: describe(id) })}>
                          {t('help.reset')}
                        </button>
                      ) : null}
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
