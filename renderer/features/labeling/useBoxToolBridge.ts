import { useEffect, useMemo, useRef } from 'react';
import type { EntryView } from '../../api';
import { useToast } from '../../ui';
import { toContractBox } from './boxes';
import { useLabelingT } from './i18n';
import type { LabelingSession } from './session';
import { BoxTool, isTooSmall, type BoxChange, type BoxPx, type Refusal } from './tools/box';

/**
 * The box tool of the image view, wired to the session: a finished drawing, move or resize saves the
 * open entry's boxes (its image-level labels kept); a refused one says why. One tool for the
 * workspace's life; it draws with `activeLabel`.
 */
export function useBoxToolBridge(session: LabelingSession, entry: EntryView | undefined, activeLabel: string | null): BoxTool {
  const { t } = useLabelingT();
  const toast = useToast();
  const entryRef = useRef(entry);
  entryRef.current = entry;
  const handlers = useRef<{ commit: (boxes: BoxPx[], change: BoxChange) => void; refuse: (reason: Refusal) => void }>({
    commit: () => undefined,
    refuse: () => undefined,
  });
  const tool = useMemo(
    () =>
      new BoxTool({
        onCommit: (boxes, change) => handlers.current.commit(boxes, change),
        onRefuse: (reason) => handlers.current.refuse(reason),
      }),
    [],
  );
  useEffect(() => tool.setActiveLabel(activeLabel), [tool, activeLabel]);

  handlers.current = {
    commit: (boxes, change) => {
      const open = entryRef.current;
      if (!open) return;
      // Never sent: the backend would refuse it (ERROR_BOUNDING_BOX_TOO_SMALL).
      if (boxes.some(isTooSmall)) {
        toast.show(t('boxes.tooSmall'), 'danger');
        return;
      }
      const labels = session.annotations(open.EntryId)?.Labels ?? open.Labels;
      void session.setAnnotations(
        open.EntryId,
        { Labels: labels, Boxes: boxes.map(toContractBox) },
        { key: `edits.box.${change}`, values: { file: open.FileName } },
      );
    },
    refuse: (reason) => {
      toast.show(reason === 'tooSmall' ? t('boxes.tooSmall') : t('boxes.needsLabelToast'), reason === 'tooSmall' ? 'danger' : 'info');
    },
  };
  return tool;
}
