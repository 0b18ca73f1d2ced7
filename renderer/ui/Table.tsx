import type { ReactNode } from 'react';
import './Table.css';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'start' | 'end';
  /** A CSS width for the column (`12rem`, `20%`). */
  width?: string;
  /** Lets long values (messages, paths) wrap instead of widening the table. */
  wrap?: boolean;
}

export interface TableProps<T> {
  /** Names the table for assistive technology; not shown. */
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** Labels each row for row-based locators and screen readers. */
  rowLabel?: (row: T) => string;
}

export function Table<T>({ caption, columns, rows, rowKey, rowLabel }: TableProps<T>) {
  return (
    <div className="ui-table-wrap">
      <table className="ui-table">
        <caption className="visually-hidden">{caption}</caption>
        <colgroup>
          {columns.map((column) => (
            <col key={column.key} style={column.width ? { width: column.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.align === 'end' ? 'is-end' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} aria-label={rowLabel?.(row)}>
              {columns.map((column) => (
                <td
                  key={column.key}
                  className={[column.align === 'end' ? 'is-end' : '', column.wrap ? 'is-wrap' : ''].filter(Boolean).join(' ') || undefined}
                >
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
