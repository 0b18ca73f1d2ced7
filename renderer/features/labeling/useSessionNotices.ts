import { useCallback, useEffect, useRef } from 'react';
import { useDescribeError } from '../../lib/errors';
import { useToast } from '../../ui';
import type { EditSummary } from './edits';
import type { EntryList } from './entryList';
import { useLabelingT, type LabelingKey } from './i18n';
import type { LabelingSession, SessionNotice } from './session';

/**
 * What the labeling session tells the user, as toasts: undo and redo, conflicts, failed saves, and
 * the open image changing elsewhere. Returns how an edit summary reads, for the undo/redo buttons.
 */
export function useSessionNotices(session: LabelingSession, list: EntryList, openEntryId: number | undefined): (summary: EditSummary) => string {
  const { t } = useLabelingT();
  const toast = useToast();
  const describeError = useDescribeError();

  const summaryText = useCallback((summary: EditSummary) => t(summary.key as LabelingKey, summary.values), [t]);
  const noticeRef = useRef<(notice: SessionNotice) => void>(() => undefined);
  noticeRef.current = (notice) => {
    switch (notice.kind) {
      case 'undone':
        toast.show(t('notices.undone', { what: summaryText(notice.summary) }), 'info');
        break;
      case 'redone':
        toast.show(t('notices.redone', { what: summaryText(notice.summary) }), 'info');
        break;
      case 'conflict':
        toast.show(t('notices.conflict'), 'info');
        break;
      case 'saveFailed':
        toast.show(t('notices.saveFailed', { what: summaryText(notice.summary), reason: describeError(notice.error).title }), 'danger');
        break;
      case 'undoFailed':
        toast.show(
          t(notice.direction === 'undo' ? 'notices.undoFailed' : 'notices.redoFailed', {
            what: summaryText(notice.summary),
            reason: describeError(notice.error).title,
          }),
          'danger',
        );
        break;
    }
  };
  useEffect(() => session.onNotice((notice) => noticeRef.current(notice)), [session]);

  const openIdRef = useRef<number | undefined>(undefined);
  openIdRef.current = openEntryId;
  useEffect(
    () =>
      list.onChangedElsewhere((ids) => {
        if (openIdRef.current !== undefined && ids.includes(openIdRef.current)) toast.show(t('notices.changedElsewhere'), 'info');
      }),
    [list, t, toast],
  );
  return summaryText;
}
