import type { ReactNode } from 'react';
import { Icon } from './Icon';
import './Alert.css';

export interface AlertProps {
  tone?: 'info' | 'warning' | 'danger';
  title?: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
}

/** An inline message. Danger alerts are announced as soon as they appear. */
export function Alert({ tone = 'info', title, children, actions }: AlertProps) {
  return (
    <div className={`ui-alert ui-alert--${tone}`} role={tone === 'danger' ? 'alert' : 'note'}>
      <Icon name={tone === 'info' ? 'info' : 'alert'} size={18} />
      <div className="ui-alert__content">
        {title ? <p className="ui-alert__title">{title}</p> : null}
        {children ? <div className="ui-alert__body">{children}</div> : null}
      </div>
      {actions ? <div className="ui-alert__actions">{actions}</div> : null}
    </div>
  );
}
