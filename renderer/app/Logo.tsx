/** Loupe's mark: a lens over a tag. */
export function Logo({ size = 30 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id="loupe-mark" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#5b6ef0" />
          <stop offset="1" stopColor="#3443b8" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill="url(#loupe-mark)" />
      <circle cx="14" cy="14" r="6.5" fill="none" stroke="#fff" strokeWidth="2.4" />
      <path d="M19 19l5.5 5.5" stroke="#fff" strokeWidth="2.8" strokeLinecap="round" />
      <circle cx="14" cy="14" r="2.2" fill="#fff" opacity="0.85" />
    </svg>
  );
}
