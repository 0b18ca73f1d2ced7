import type { SVGProps } from 'react';

/** 20×20 stroke icons drawn for Loupe; decorative unless given a title. */
const paths = {
  projects: (
    <>
      <rect x="3" y="3" width="6" height="6" rx="1.5" />
      <rect x="11" y="3" width="6" height="6" rx="1.5" />
      <rect x="3" y="11" width="6" height="6" rx="1.5" />
      <rect x="11" y="11" width="6" height="6" rx="1.5" />
    </>
  ),
  settings: (
    <>
      <circle cx="10" cy="10" r="2.5" />
      <path d="M10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4" />
    </>
  ),
  plus: <path d="M10 4v12M4 10h12" />,
  trash: (
    <>
      <path d="M3.5 5.5h13M8 5.5V4a1 1 0 0 1 1-1h2a1 1 0 0 1 1 1v1.5" />
      <path d="M5 5.5l.8 10.1a1.5 1.5 0 0 0 1.5 1.4h5.4a1.5 1.5 0 0 0 1.5-1.4L15 5.5M8.5 8.5v5M11.5 8.5v5" />
    </>
  ),
  copy: (
    <>
      <rect x="7" y="7" width="10" height="10" rx="2" />
      <path d="M13 7V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h2" />
    </>
  ),
  check: <path d="M4 10.5l4 4 8-9" />,
  eye: (
    <>
      <path d="M1.8 10s3-6 8.2-6 8.2 6 8.2 6-3 6-8.2 6-8.2-6-8.2-6z" />
      <circle cx="10" cy="10" r="2.5" />
    </>
  ),
  eyeOff: (
    <>
      <path d="M3 3l14 14M8.2 4.3A8 8 0 0 1 10 4c5.2 0 8.2 6 8.2 6a14 14 0 0 1-2.3 3.1M5.6 5.6C3.1 7.2 1.8 10 1.8 10s3 6 8.2 6c1.5 0 2.8-.4 3.9-1.1" />
      <path d="M8.2 8.2a2.5 2.5 0 0 0 3.6 3.6" />
    </>
  ),
  close: <path d="M5 5l10 10M15 5L5 15" />,
  chevronRight: <path d="M8 5l5 5-5 5" />,
  chevronLeft: <path d="M12 5l-5 5 5 5" />,
  search: (
    <>
      <circle cx="9" cy="9" r="5.5" />
      <path d="M13 13l4 4" />
    </>
  ),
  database: (
    <>
      <ellipse cx="10" cy="5" rx="6" ry="2.5" />
      <path d="M4 5v10c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5V5M4 10c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5" />
    </>
  ),
  model: (
    <>
      <circle cx="5" cy="5" r="2" />
      <circle cx="5" cy="15" r="2" />
      <circle cx="15" cy="10" r="2" />
      <path d="M7 5.8l6 3.4M7 14.2l6-3.4M5 7v6" />
    </>
  ),
  folder: <path d="M2.5 6a1.5 1.5 0 0 1 1.5-1.5h3.6l2 2H16a1.5 1.5 0 0 1 1.5 1.5v6.5A1.5 1.5 0 0 1 16 16H4a1.5 1.5 0 0 1-1.5-1.5z" />,
  key: (
    <>
      <circle cx="6.5" cy="13.5" r="3.5" />
      <path d="M9 11l7.5-7.5M14 6l2 2M12 8l1.5 1.5" />
    </>
  ),
  globe: (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M2.5 10h15M10 2.5c2.2 2.2 3 4.7 3 7.5s-.8 5.3-3 7.5c-2.2-2.2-3-4.7-3-7.5s.8-5.3 3-7.5z" />
    </>
  ),
  info: (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M10 9v5M10 6.2v.1" />
    </>
  ),
  alert: (
    <>
      <path d="M10 2.8l7.6 13.2H2.4z" strokeLinejoin="round" />
      <path d="M10 8v3.5M10 13.8v.1" />
    </>
  ),
  bucket: (
    <>
      <path d="M3 5h14l-1.6 11a1.5 1.5 0 0 1-1.5 1.3H6.1a1.5 1.5 0 0 1-1.5-1.3z" />
      <ellipse cx="10" cy="5" rx="7" ry="1.8" />
    </>
  ),
  terminal: (
    <>
      <rect x="2.5" y="3.5" width="15" height="13" rx="2" />
      <path d="M6 8l2.5 2L6 12M10.5 12.5H14" />
    </>
  ),
  logOut: <path d="M8 3.5H5a1.5 1.5 0 0 0-1.5 1.5v10A1.5 1.5 0 0 0 5 16.5h3M12 6.5L15.5 10 12 13.5M15.5 10H8" />,
  external: <path d="M11 3.5h5.5V9M16.5 3.5L9 11M14 12v3.5a1 1 0 0 1-1 1H4.5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1H8" />,
  image: (
    <>
      <rect x="2.5" y="3.5" width="15" height="13" rx="2" />
      <circle cx="7" cy="8" r="1.5" />
      <path d="M17.5 13l-4-4-7 7.5" />
    </>
  ),
  flask: <path d="M8 2.5h4M8.5 2.5v5L3.8 15a1.5 1.5 0 0 0 1.3 2.3h9.8a1.5 1.5 0 0 0 1.3-2.3l-4.7-7.5v-5M6 12.5h8" />,
  upload: <path d="M10 13V3.5M6 7.5l4-4 4 4M3.5 13v2a2 2 0 0 0 2 2h9a2 2 0 0 0 2-2v-2" />,
  download: <path d="M10 3.5V13M6 9l4 4 4-4M3.5 13v2a2 2 0 0 0 2 2h9a2 2 0 0 0 2-2v-2" />,
  more: (
    <>
      <circle cx="4.5" cy="10" r="1.1" fill="currentColor" stroke="none" />
      <circle cx="10" cy="10" r="1.1" fill="currentColor" stroke="none" />
      <circle cx="15.5" cy="10" r="1.1" fill="currentColor" stroke="none" />
    </>
  ),
  tag: (
    <>
      <path d="M3 4.5v4.3a1.5 1.5 0 0 0 .44 1.06l6.7 6.7a1.5 1.5 0 0 0 2.12 0l4.3-4.3a1.5 1.5 0 0 0 0-2.12l-6.7-6.7A1.5 1.5 0 0 0 8.8 3H4.5A1.5 1.5 0 0 0 3 4.5z" />
      <circle cx="6.5" cy="6.5" r="1" />
    </>
  ),
  box: <path d="M3 6V4a1 1 0 0 1 1-1h2M14 3h2a1 1 0 0 1 1 1v2M17 14v2a1 1 0 0 1-1 1h-2M6 17H4a1 1 0 0 1-1-1v-2M9 3h2M9 17h2M3 9v2M17 9v2" />,
  imageOff: (
    <>
      <path d="M3 3l14 14M17.5 13.5V5.5a2 2 0 0 0-2-2H7.5M2.5 6v8.5a2 2 0 0 0 2 2h10.5" />
      <path d="M6.5 16.5l4.2-4.5" />
    </>
  ),
  split: <path d="M2.5 10H7l6-5.5h4.5M7 10l6 5.5h4.5M15 2l2.5 2.5L15 7M15 13l2.5 2.5L15 18" />,
  pencil: <path d="M13.5 3.5l3 3L7 16H4v-3zM11.5 5.5l3 3" />,
  stop: <rect x="5" y="5" width="10" height="10" rx="1.5" />,
  refresh: <path d="M16.5 10a6.5 6.5 0 1 1-1.9-4.6M16.5 3.5v3.5H13" />,
  file: (
    <>
      <path d="M11.5 2.5H6a1.5 1.5 0 0 0-1.5 1.5v12A1.5 1.5 0 0 0 6 17.5h8a1.5 1.5 0 0 0 1.5-1.5V6.5z" />
      <path d="M11.5 2.5v4h4" />
    </>
  ),
  play: <path d="M6.5 4.5v11l9-5.5z" />,
  expand: <path d="M3.5 7.5v-4h4M16.5 7.5v-4h-4M3.5 12.5v4h4M16.5 12.5v4h-4" />,
  chart: <path d="M3.5 3.5v13h13M6.5 13l3-4 2.5 2.5 4-5.5" />,
  code: <path d="M7 6l-4 4 4 4M13 6l4 4-4 4M11.2 4.5l-2.4 11" />,
  lock: (
    <>
      <rect x="4" y="9" width="12" height="8.5" rx="1.8" />
      <path d="M6.8 9V6.5a3.2 3.2 0 0 1 6.4 0V9" />
    </>
  ),
  monitor: (
    <>
      <rect x="2.5" y="3.5" width="15" height="10" rx="1.5" />
      <path d="M7 17h6M10 13.5V17" />
    </>
  ),
  undo: <path d="M7.5 5L4 8.5 7.5 12M4.5 8.5h7a4.5 4.5 0 0 1 0 9H9" />,
  redo: <path d="M12.5 5L16 8.5 12.5 12M15.5 8.5h-7a4.5 4.5 0 0 0 0 9H11" />,
  grid: (
    <>
      <rect x="3" y="3" width="5.5" height="5.5" rx="1" />
      <rect x="11.5" y="3" width="5.5" height="5.5" rx="1" />
      <rect x="3" y="11.5" width="5.5" height="5.5" rx="1" />
      <rect x="11.5" y="11.5" width="5.5" height="5.5" rx="1" />
    </>
  ),
  drawBox: (
    <>
      <rect x="4" y="4" width="12" height="12" rx="1" strokeDasharray="2.5 2" />
      <path d="M2.5 4h3M4 2.5v3M14.5 16h3M16 14.5v3" />
    </>
  ),
  keyboard: (
    <>
      <rect x="2" y="5" width="16" height="10" rx="2" />
      <path d="M5 8h.01M8 8h.01M11 8h.01M14 8h.01M5 11h.01M14 11h.01M7.5 11h5" />
    </>
  ),
  minus: <path d="M5 10h10" />,
  repeat: <path d="M4 8.5V7a2.5 2.5 0 0 1 2.5-2.5h9M13 2l2.5 2.5L13 7M16 11.5V13a2.5 2.5 0 0 1-2.5 2.5h-9M7 18l-2.5-2.5L7 13" />,
} as const;

export type IconName = keyof typeof paths;

export interface IconProps extends Omit<SVGProps<SVGSVGElement>, 'name'> {
  name: IconName;
  size?: number;
  /** Makes the icon meaningful to assistive technology; without it the icon is hidden. */
  title?: string;
}

export function Icon({ name, size = 18, title, ...rest }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
      focusable="false"
      className="ui-icon"
      {...rest}
    >
      {title ? <title>{title}</title> : null}
      {paths[name]}
    </svg>
  );
}
