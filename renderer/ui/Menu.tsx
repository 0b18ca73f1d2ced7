import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Button, type ButtonProps } from './Button';
import { Icon, type IconName } from './Icon';
import './Menu.css';

export interface MenuItem {
  key: string;
  label: ReactNode;
  icon?: IconName;
  onSelect: () => void;
  disabled?: boolean;
  tone?: 'default' | 'danger';
  /** Draws a line above the item, to set it apart (a destructive action). */
  separated?: boolean;
}

export interface MenuProps {
  /** The button's text. */
  label: ReactNode;
  icon?: IconName;
  variant?: ButtonProps['variant'];
  size?: ButtonProps['size'];
  items: readonly MenuItem[];
  /** The button's accessible name when it shows only an icon. */
  'aria-label'?: string;
}

/** A menu button (WAI-ARIA): arrow keys move, Enter picks, Escape and a click outside close it. */
export function Menu({ label, icon, variant = 'secondary', size = 'md', items, ...aria }: MenuProps) {
  const [isOpen, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLDivElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);

  const enabled = items.map((item, index) => (item.disabled ? -1 : index)).filter((index) => index >= 0);
  const focusItem = (index: number | undefined) => {
    if (index !== undefined) itemRefs.current[index]?.focus();
  };
  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.querySelector('button')?.focus();
  };

  // Focus moves into the menu once, when it opens.
  useEffect(() => {
    if (!isOpen) return;
    focusItem(enabled[0]);
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [isOpen]);

  const onKeyDown = (event: KeyboardEvent) => {
    const current = itemRefs.current.findIndex((element) => element === document.activeElement);
    const position = enabled.indexOf(current);
    let next: number | undefined;
    if (event.key === 'ArrowDown') next = enabled[(position + 1) % enabled.length];
    else if (event.key === 'ArrowUp') next = enabled[(position - 1 + enabled.length) % enabled.length];
    else if (event.key === 'Home') next = enabled[0];
    else if (event.key === 'End') next = enabled.at(-1);
    else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
      return;
    } else if (event.key === 'Tab') {
      close(false);
      return;
    } else return;
    event.preventDefault();
    focusItem(next);
  };

  return (
    <div className="ui-menu" ref={root}>
      <div ref={button} className="ui-menu__button">
        <Button
          variant={variant}
          size={size}
          icon={icon}
          aria-haspopup="menu"
          aria-expanded={isOpen}
          aria-controls={isOpen ? menuId : undefined}
          aria-label={aria['aria-label']}
          onClick={() => setOpen((open) => !open)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown' && !isOpen) {
              event.preventDefault();
              setOpen(true);
            }
          }}
        >
          {label}
        </Button>
      </div>
      {isOpen ? (
        <div className="ui-menu__list" role="menu" id={menuId} onKeyDown={onKeyDown}>
          {items.map((item, index) => (
            <button
              key={item.key}
              ref={(element) => {
                itemRefs.current[index] = element;
              }}
              type="button"
              role="menuitem"
              tabIndex={-1}
              disabled={item.disabled}
              className={`ui-menu__item ${item.tone === 'danger' ? 'is-danger' : ''} ${item.separated ? 'is-separated' : ''}`}
              onClick={() => {
                close(false);
                item.onSelect();
              }}
            >
              {item.icon ? <Icon name={item.icon} size={16} /> : null}
              <span>{item.label}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
