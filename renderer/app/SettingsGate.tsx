import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { call, useEvent } from '../api';
import { Spinner } from '../ui';
import { i18n, isLanguage } from './i18n';

/**
 * Uses the i18next instance itself: the `i18n` that useTranslation returns is a per-language
 * snapshot, so it is neither a stable effect dependency nor the object to change the language on.
 *
 * Applies the saved settings before the first screen paints (so it never flashes in the wrong
 * language), then follows SettingsChanged from any window.
 */
export function SettingsGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [isReady, setReady] = useState(false);

  useEffect(() => {
    let active = true;
    call('GetSettings', {}).then(
      (settings) => {
        if (!active) return;
        if (isLanguage(settings.Language)) void i18n.changeLanguage(settings.Language);
        setReady(true);
      },
      () => {
        // A refused session shows the sign-in screen; any other failure keeps the current
        // language, and the screens show the error when their own calls fail.
        if (active) setReady(true);
      },
    );
    return () => {
      active = false;
    };
  }, []);

  useEvent('SettingsChanged', (settings) => {
    if (isLanguage(settings.Language) && settings.Language !== i18n.language) void i18n.changeLanguage(settings.Language);
  });

  if (!isReady) {
    return (
      <div className="splash">
        <div className="splash__inner">
          <Spinner size={22} label={t('app.loading')} />
        </div>
      </div>
    );
  }
  return children;
}
