import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { PageHeader } from '../../ui';
import { KioskPinSection } from '../models';
import { AboutSection } from './AboutSection';
import { ApiCredentialsSection } from './ApiCredentialsSection';
import { BackbonesSection } from './BackbonesSection';
import { BucketMappingsSection } from './BucketMappingsSection';
import { LanguageSection } from './LanguageSection';
import { SystemSection } from './SystemSection';
import './settings.css';
import { useSettingsT } from './i18n';

export function SettingsScreen() {
  const { t } = useSettingsT();
  useDocumentTitle(t('settings.title'));
  return (
    <div className="screen screen--narrow">
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      <div className="settings-stack">
        <LanguageSection />
        <ApiCredentialsSection />
        <BucketMappingsSection />
        <BackbonesSection />
        <KioskPinSection />
        <SystemSection />
        <AboutSection />
      </div>
    </div>
  );
}
