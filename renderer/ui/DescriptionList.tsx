import type { ReactNode } from 'react';
import './DescriptionList.css';

export interface DescriptionItem {
  key: string;
  term: ReactNode;
  value: ReactNode;
}

/** Label–value rows (credentials, versions, project details). */
export function DescriptionList({ items, columns = 1 }: { items: readonly DescriptionItem[]; columns?: 1 | 2 | 3 }) {
  return (
    <dl className={`ui-dl ui-dl--cols-${columns}`}>
      {items.map((item) => (
        <div key={item.key} className="ui-dl__item">
          <dt className="ui-dl__term">{item.term}</dt>
          <dd className="ui-dl__value">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
