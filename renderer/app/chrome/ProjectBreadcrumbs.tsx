import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { projectPath } from '../../lib/routes';
import { Icon } from '../../ui';
import './breadcrumbs.css';

export interface Crumb {
  to: string;
  label: ReactNode;
}

/** Projects › <project> › …`trail` › `current`: the trail every project screen shows above its title. */
export function ProjectBreadcrumbs({ projectName, trail = [], current }: { projectName?: string; trail?: Crumb[]; current: ReactNode }) {
  const { t } = useTranslation();
  const links: Crumb[] = [{ to: '/', label: t('project.breadcrumb') }, ...(projectName ? [{ to: projectPath(projectName), label: projectName }] : []), ...trail];
  return (
    <nav aria-label={t('project.breadcrumbLabel')} className="breadcrumbs">
      {links.map((link) => (
        <Fragment key={link.to}>
          <Link to={link.to}>{link.label}</Link>
          <Icon name="chevronRight" size={14} />
        </Fragment>
      ))}
      <span aria-current="page">{current}</span>
    </nav>
  );
}
