import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import './EmptyState.css';

export interface EmptyStateProps {
  icon: IconName;
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  /** Heading level that fits the page outline. */
  headingLevel?: 2 | 3;
  compact?: boolean;
}

export function EmptyState({ icon, title, children, actions, headingLevel = 2, compact = false }: EmptyStateProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className={`ui-empty ${compact ? 'ui-empty--compact' : ''}`}>
      <div className="ui-empty__art" aria-hidden="true">
        <span className="ui-empty__ring" />
        <Icon name={icon} size={compact ? 24 : 28} />
      </div>
      <Heading className="ui-empty__title">{title}</Heading>
      {children ? <div className="ui-empty__body">{children}</div> : null}
      {actions ? <div className="ui-empty__actions">{actions}</div> : null}
    </div>
  );
}
