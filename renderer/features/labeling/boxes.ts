import type { EntryView } from '../../api';
import type { BoxPx } from './tools/box';

/** A box as the contract carries it (`Left`, `Top`, … in pixels of the oriented original). */
export type ContractBox = EntryView['Boxes'][number];

export function toBoxPx(box: ContractBox): BoxPx {
  return { label: box.Label, left: box.Left, top: box.Top, width: box.Width, height: box.Height };
}

export function toContractBox(box: BoxPx): ContractBox {
  return { Label: box.label, Left: box.left, Top: box.top, Width: box.width, Height: box.height };
}
