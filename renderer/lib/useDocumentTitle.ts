import { useEffect } from 'react';

/** "Projects · Loupe": the window title follows the screen. */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Loupe` : 'Loupe';
  }, [title]);
}
