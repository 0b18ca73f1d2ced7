import { StrictMode, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { HashRouter, Navigate, Route, Routes } from 'react-router-dom';
import { useSession } from '../api';
import { CreateDatasetScreen, DatasetScreen } from '../features/dataset';
import { LabelingScreen } from '../features/labeling';
import { KioskScreen, ModelScreen, TestResultsScreen, TrainScreen } from '../features/models';
import { ProjectScreen } from '../features/project';
import { ProjectsScreen } from '../features/projects';
import { SettingsScreen } from '../features/settings';
import { Spinner, ToastProvider } from '../ui';
import { ErrorBoundary } from './ErrorBoundary';
import { i18n } from './i18n';
import { AppError } from './AppError';
import { SettingsGate } from './SettingsGate';
import { Shell } from './Shell';
import { SignInScreen } from './SignInScreen';

function Toasts({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return <ToastProvider dismissLabel={t('common.dismiss')}>{children}</ToastProvider>;
}

/** Signed in (or inside Electron): the app. Otherwise: the sign-in screen. */
function SessionGate() {
  const session = useSession();
  if (session.status === 'signed-out') return <SignInScreen expired={session.expired} kioskLinkRefused={session.kioskLinkRefused === true} />;
  if (session.status === 'kiosk') {
    // A kiosk link opens its one kiosk screen; every other route leads back to it.
    if (session.route === null) return <Spinner size={32} />;
    return (
      <SettingsGate>
        <HashRouter>
          <Routes>
            <Route path="kiosk/:project/:version" element={<KioskScreen />} />
            <Route path="*" element={<Navigate to={session.route} replace />} />
          </Routes>
        </HashRouter>
      </SettingsGate>
    );
  }
  return (
    <SettingsGate>
      <HashRouter>
        <Routes>
          <Route path="projects/:name/datasets/:type/label" element={<LabelingScreen />} />
          <Route path="kiosk/:project/:version" element={<KioskScreen />} />
          <Route element={<Shell />}>
            <Route index element={<ProjectsScreen />} />
            <Route path="projects/:name" element={<ProjectScreen />} />
            <Route path="projects/:name/datasets/create" element={<CreateDatasetScreen />} />
            <Route path="projects/:name/datasets/:type" element={<DatasetScreen />} />
            <Route path="projects/:name/train" element={<TrainScreen />} />
            <Route path="projects/:name/models/:version" element={<ModelScreen />} />
            <Route path="projects/:name/models/:version/results" element={<TestResultsScreen />} />
            <Route path="settings" element={<SettingsScreen />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Route>
        </Routes>
      </HashRouter>
    </SettingsGate>
  );
}

export function App() {
  return (
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <ErrorBoundary fallback={(error) => <AppError error={error} />}>
          <Toasts>
            <SessionGate />
          </Toasts>
        </ErrorBoundary>
      </I18nextProvider>
    </StrictMode>
  );
}
