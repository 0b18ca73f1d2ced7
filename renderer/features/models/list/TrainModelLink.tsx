import { Link } from 'react-router-dom';
import { trainModelPath } from '../../../lib/routes';
import { buttonClass, Icon } from '../../../ui';
import { useModelsT } from '../i18n';

/** "Train model": the project page's and the dataset page's way to the train page. */
export function TrainModelLink({ projectName, variant = 'primary' }: { projectName: string; variant?: 'primary' | 'secondary' }) {
  const { t } = useModelsT();
  return (
    <Link className={buttonClass(variant)} to={trainModelPath(projectName)}>
      <Icon name="play" size={18} />
      {t('list.train')}
    </Link>
  );
}
