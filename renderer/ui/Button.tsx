import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import { Spinner } from './Spinner';
import './Button.css';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  size?: 'md' | 'sm';
  icon?: IconName;
  /** Shows a spinner and blocks clicks while an operation runs. */
  isBusy?: boolean;
  children?: ReactNode;
}

/** The classes of a button, for a link that should look like one (`<Link className={…}>`). */
export function buttonClass(variant: ButtonProps['variant'] = 'secondary', size: ButtonProps['size'] = 'md'): string {
  return `ui-button ui-button--${variant} ui-button--${size}`;
}

export function Button({
  variant = 'secondary',
  size = 'md',
  icon,
  isBusy = false,
  disabled,
  className,
  children,
  type = 'button',
  ...rest
}: ButtonProps) {
  const classes = ['ui-button', `ui-button--${variant}`, `ui-button--${size}`, children ? '' : 'ui-button--icon-only', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <button type={type} className={classes} disabled={disabled || isBusy} aria-busy={isBusy || undefined} {...rest}>
      {isBusy ? <Spinner size={size === 'sm' ? 14 : 16} /> : icon ? <Icon name={icon} size={size === 'sm' ? 16 : 18} /> : null}
      {children ? <span className="ui-button__label">{children}</span> : null}
    </button>
  );
}
