/** Glyphs the labeling screens need beyond the app's icon set; 20×20 strokes like ui/Icon. */
const paths = {
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
  box: (
    <>
      <rect x="4" y="4" width="12" height="12" rx="1" strokeDasharray="2.5 2" />
      <path d="M2.5 4h3M4 2.5v3M14.5 16h3M16 14.5v3" />
    </>
  ),
  pencil: <path d="M12.8 3.7l3.5 3.5L7.5 16H4v-3.5zM11 5.5l3.5 3.5" />,
  keyboard: (
    <>
      <rect x="2" y="5" width="16" height="10" rx="2" />
      <path d="M5 8h.01M8 8h.01M11 8h.01M14 8h.01M5 11h.01M14 11h.01M7.5 11h5" />
    </>
  ),
  tag: (
    <>
      <path d="M3 3h6.5l7.5 7.5-6.5 6.5L3 9.5z" />
      <circle cx="6.5" cy="6.5" r="1.2" />
    </>
  ),
  exit: <path d="M8 3.5H5a1.5 1.5 0 0 0-1.5 1.5v10A1.5 1.5 0 0 0 5 16.5h3M12 6.5L15.5 10 12 13.5M15.5 10H8" />,
  minus: <path d="M5 10h10" />,
  repeat: <path d="M4 8.5V7a2.5 2.5 0 0 1 2.5-2.5h9M13 2l2.5 2.5L13 7M16 11.5V13a2.5 2.5 0 0 1-2.5 2.5h-9M7 18l-2.5-2.5L7 13" />,
} as const;

export type LabelingIconName = keyof typeof paths;

export function LabelingIcon({ name, size = 18 }: { name: LabelingIconName; size?: number }) {
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
      aria-hidden="true"
      focusable="false"
      className="ui-icon"
    >
      {paths[name]}
    </svg>
  );
}
