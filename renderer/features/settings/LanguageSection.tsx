import { useEffect, useState } from 'react';
import { getI18n } from 'react-i18next';
import { useMutation, type Language } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { ErrorAlert, Panel, useToast } from '../../ui';
import { settingsText, useSettingsT } from './i18n';

/** Each language is named in itself, so it can be found whatever the current language is. */
const OPTIONS: readonly { value: Language; name: string; sample: string }[] = [
  { value: 'en', name: 'English', sample: 'Projects, datasets and models' },
  { value: 'ko', name: '한국어', sample: '프로젝트, 데이터세트, 모델' },
];

/** Switches the UI at once and saves the choice with UpdateSettings. */
export function LanguageSection() {
  const { t, i18n } = useSettingsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const update = useMutation('UpdateSettings');
  // The radio follows the click at once; the language itself follows a moment later.
  const [selected, setSelected] = useState(i18n.language);
  useEffect(() => setSelected(i18n.language), [i18n.language]);

  const choose = async (language: Language) => {
    // useTranslation's `i18n` is a snapshot of one language; change the instance itself.
    const instance = getI18n();
    const previous = instance.language;
    if (language === previous) return;
    setSelected(language);
    await instance.changeLanguage(language);
    try {
      await update.run({ Language: language });
      toast.show(settingsText.t('settings.language.changed'));
    } catch {
      setSelected(previous);
      await instance.changeLanguage(previous);
    }
  };

  return (
    <Panel icon="globe" title={t('settings.language.title')} description={t('settings.language.description')}>
      <fieldset className="language-options" disabled={update.isPending}>
        <legend className="visually-hidden">{t('settings.language.label')}</legend>
        {OPTIONS.map((option) => (
          <label key={option.value} className="language-option" lang={option.value}>
            <input
              type="radio"
              name="language"
              value={option.value}
              checked={selected === option.value}
              onChange={() => void choose(option.value)}
            />
            <span className="language-option__text">
              <span className="language-option__name">{option.name}</span>
              <span className="language-option__sample">{option.sample}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {update.error ? (
        <div className="settings-error">
          <ErrorAlert {...describeError(update.error)} />
        </div>
      ) : null}
    </Panel>
  );
}
