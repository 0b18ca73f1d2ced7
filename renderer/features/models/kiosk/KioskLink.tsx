import { Link } from 'react-router-dom';
import { canOpenKioskWindow, openKioskWindow } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { kioskPath } from '../../../lib/routes';
import { Button, buttonClass, Icon, useToast } from '../../../ui';
import { useModelsT } from '../i18n';

/** "Kiosk view": a full-screen window of its own in the desktop app, the kiosk route in this tab under `serve`. */
export function KioskLink({ projectName, versionName }: { projectName: string; versionName: string }) {
  const { t } = useModelsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const route = kioskPath(projectName, versionName);
  if (canOpenKioskWindow()) {
    return (
      <Button
        icon="monitor"
        onClick={() => {
          openKioskWindow(route).catch((error: unknown) => toast.show(describeError(error).title, 'danger'));
        }}
      >
        {t('model.openKiosk')}
      </Button>
    );
  }
  return (
    <Link className={buttonClass('secondary')} to={route}>
      <Icon name="monitor" size={18} />
      {t('model.openKiosk')}
    </Link>
  );
}
