import type { ReactNode } from 'react';
import './PageHeader.css';

export interface PageHeaderProps {
  /** A breadcrumb trail (links), shown above the title. */
  breadcrumbs?: ReactNode;
  title: ReactNode;
  /** A badge or two after the title. */
  badges?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  /** Extra lines under the title (identifiers, dates). */
  meta?: ReactNode;
}

export function PageHeader({ breadcrumbs, title, badges, description, actions, meta }: PageHeaderProps) {
  return (
    <header className="ui-page-header">
      {breadcrumbs ? <div className="ui-page-header__crumbs">{breadcrumbs}</div> : null}
      <div className="ui-page-header__row">
        <div className="ui-page-header__titles">
          <div className="ui-page-header__title-line">
            <h1 className="ui-page-header__title">{title}</h1>
            {badges}
          </div>
          {description ? <p className="ui-page-header__description">{description}</p> : null}
          {meta ? <div className="ui-page-header__meta">{meta}</div> : null}
        </div>
        {actions ? <div className="ui-page-header__actions">{actions}</div> : null}
      </div>
    </header>
  );
}
