import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { signOut, transportKind, useQuery } from '../api';
import { Icon, type IconName } from '../ui';
import { ErrorBoundary } from './ErrorBoundary';
import { Logo } from './Logo';
import { ScreenError } from './ScreenError';
import './Shell.css';

function NavItem({ to, icon, label, isActive }: { to: string; icon: IconName; label: string; isActive: boolean }) {
  return (
    <NavLink to={to} className={`sidebar__link ${isActive ? 'is-active' : ''}`} aria-current={isActive ? 'page' : undefined}>
      <Icon name={icon} size={18} />
      <span>{label}</span>
    </NavLink>
  );
}

/** The window's frame: side bar with navigation, and the current screen. */
export function Shell() {
  const { t } = useTranslation();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const info = useQuery('GetAppInfo', {}, { live: false });
  const path = location.pathname;
  const onProjects = path === '/' || path.startsWith('/projects');

  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          // The hash belongs to the router; move focus instead of navigating.
          event.preventDefault();
          main.current?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="sidebar__brand">
          <Logo size={30} />
          <div className="sidebar__brand-text">
            <span className="sidebar__name">{t('app.name')}</span>
            <span className="sidebar__tagline">{t('app.tagline')}</span>
          </div>
        </div>
        <nav className="sidebar__nav" aria-label={t('nav.label')}>
          <NavItem to="/" icon="projects" label={t('nav.projects')} isActive={onProjects} />
          <NavItem to="/settings" icon="settings" label={t('nav.settings')} isActive={path.startsWith('/settings')} />
        </nav>
        <div className="sidebar__footer">
          {info.data ? <span className="sidebar__version">{t('app.version', { version: info.data.Version })}</span> : null}
          {transportKind === 'http' ? (
            <button type="button" className="sidebar__signout" onClick={signOut}>
              <Icon name="logOut" size={16} />
              <span>{t('nav.signOut')}</span>
            </button>
          ) : null}
        </div>
      </aside>
      <main id="main" ref={main} tabIndex={-1} className="shell__main">
        <ErrorBoundary resetKeys={[path]} fallback={(error, reset) => <ScreenError error={error} onRetry={reset} />}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </div>
  );
}
