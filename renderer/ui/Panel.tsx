import { useId, type ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import './Panel.css';

export interface PanelProps {
  title?: ReactNode;
  description?: ReactNode;
  icon?: IconName;
  actions?: ReactNode;
  children: ReactNode;
  /** Lets a table run edge to edge. */
  flush?: boolean;
  id?: string;
}

/** A titled card; a region landmark when it has a title. */
export function Panel({ title, description, icon, actions, children, flush = false, id }: PanelProps) {
  const titleId = useId();
  return (
    <section className="ui-panel" aria-labelledby={title ? titleId : undefined} id={id}>
      {title ? (
        <header className="ui-panel__header">
          {icon ? (
            <span className="ui-panel__icon" aria-hidden="true">
              <Icon name={icon} size={18} />
            </span>
          ) : null}
          <div className="ui-panel__titles">
            <h2 id={titleId} className="ui-panel__title">
              {title}
            </h2>
            {description ? <p className="ui-panel__description">{description}</p> : null}
          </div>
          {actions ? <div className="ui-panel__actions">{actions}</div> : null}
        </header>
      ) : null}
      <div className={flush ? 'ui-panel__body ui-panel__body--flush' : 'ui-panel__body'}>{children}</div>
    </section>
  );
}
