import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import './DropZone.css';

export interface DropZoneProps {
  icon?: IconName;
  title: ReactNode;
  hint?: ReactNode;
  /** Buttons inside the zone (choose a folder, choose files). */
  actions?: ReactNode;
  /** Called during the drop event, while its DataTransfer can still be read. */
  onDrop: (dataTransfer: DataTransfer) => void;
  disabled?: boolean;
  /** What was chosen, shown under the zone's text. */
  children?: ReactNode;
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes('Files');
}

/** A dashed area that takes dropped files and folders; it keeps drops to itself. */
export function DropZone({ icon = 'upload', title, hint, actions, onDrop, disabled = false, children }: DropZoneProps) {
  const [isOver, setOver] = useState(false);
  // dragenter and dragleave fire for every child; count them to know when the pointer really left.
  const depth = useRef(0);
  return (
    <div
      className={`ui-dropzone ${isOver ? 'is-over' : ''} ${disabled ? 'is-disabled' : ''}`}
      onDragEnter={(event) => {
        if (disabled || !hasFiles(event)) return;
        event.preventDefault();
        event.stopPropagation();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(event) => {
        if (disabled || !hasFiles(event)) return;
        event.preventDefault();
        event.stopPropagation();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(event) => {
        if (disabled || !hasFiles(event)) return;
        event.stopPropagation();
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(event) => {
        if (disabled) return;
        event.preventDefault();
        event.stopPropagation();
        depth.current = 0;
        setOver(false);
        onDrop(event.dataTransfer);
      }}
    >
      <span className="ui-dropzone__icon" aria-hidden="true">
        <Icon name={icon} size={22} />
      </span>
      <p className="ui-dropzone__title">{title}</p>
      {hint ? <p className="ui-dropzone__hint">{hint}</p> : null}
      {actions ? <div className="ui-dropzone__actions">{actions}</div> : null}
      {children ? <div className="ui-dropzone__chosen">{children}</div> : null}
    </div>
  );
}
