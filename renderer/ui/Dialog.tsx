import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Icon } from './Icon';
import './Dialog.css';

export interface DialogProps {
  title: ReactNode;
  description?: ReactNode;
  /** Called on Escape, the close button or a click on the backdrop (unless busy). */
  onClose: () => void;
  closeLabel: string;
  /** When set, the body and footer form one <form> and Enter submits it. */
  onSubmit?: () => void;
  footer?: ReactNode;
  children?: ReactNode;
  /** sm 28rem, md 34rem, lg 46rem (forms with several columns). */
  size?: 'sm' | 'md' | 'lg';
  tone?: 'default' | 'danger';
  /** While true the dialog cannot be dismissed (an operation is running). */
  isBusy?: boolean;
}

/**
 * A modal dialog on the native <dialog> element: it gets the top layer, an inert page behind it,
 * focus containment and Escape handling from the browser. Mount it to open it.
 */
export function Dialog({
  title,
  description,
  onClose,
  closeLabel,
  onSubmit,
  footer,
  children,
  size = 'md',
  tone = 'default',
  isBusy = false,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const busy = useRef(isBusy);
  busy.current = isBusy;
  const close = useRef(onClose);
  close.current = onClose;

  // Read while rendering, before a field's autoFocus has moved the focus into the dialog.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // showModal() focuses the first focusable element, the close button, and undoes a field's
    // autoFocus (issue 15: typed names went nowhere and Enter closed the dialog). The field the
    // dialog asked for, else its first field, else its submit button, else the panel takes it.
    const asked = document.activeElement instanceof HTMLElement && dialog.contains(document.activeElement) ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    initialFocus(dialog, asked, tone)?.focus();
    return () => {
      dialog.close();
      // Give focus back to what opened the dialog, as a menu or button expects.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (!busy.current) close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, []);

  const body = (
    <>
      <div className="ui-dialog__body">{children}</div>
      {footer ? <div className="ui-dialog__footer">{footer}</div> : null}
    </>
  );

  return (
    <dialog
      ref={ref}
      className={`ui-dialog ui-dialog--${size} ui-dialog--${tone}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onMouseDown={(event) => {
        // A press on the backdrop lands on the <dialog> itself, outside its panel.
        if (event.target === event.currentTarget && !busy.current) close.current();
      }}
    >
      <div className="ui-dialog__panel" tabIndex={-1}>
        <header className="ui-dialog__header">
          <div className="ui-dialog__titles">
            <h2 id={titleId} className="ui-dialog__title">
              {title}
            </h2>
            {description ? (
              <p id={descriptionId} className="ui-dialog__description">
                {description}
              </p>
            ) : null}
          </div>
          <button
            type="button"
            className="ui-dialog__close"
            aria-label={closeLabel}
            onClick={() => close.current()}
            disabled={isBusy}
          >
            <Icon name="close" size={18} />
          </button>
        </header>
        {onSubmit ? (
          <form
            className="ui-dialog__form"
            noValidate
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              onSubmit();
            }}
          >
            {body}
          </form>
        ) : (
          body
        )}
      </div>
    </dialog>
  );
}

const FIELDS = 'input:not([type="hidden"]):not(:disabled), select:not(:disabled), textarea:not(:disabled)';

/** Where focus goes when a dialog opens; a dangerous dialog never puts it on its confirm button. */
function initialFocus(dialog: HTMLDialogElement, asked: HTMLElement | null, tone: DialogProps['tone']): HTMLElement | null {
  if (asked) return asked;
  const field = dialog.querySelector<HTMLElement>(FIELDS);
  if (field) return field;
  const submit = tone === 'danger' ? null : dialog.querySelector<HTMLElement>('button[type="submit"]:not(:disabled)');
  return submit ?? dialog.querySelector<HTMLElement>('.ui-dialog__panel');
}
