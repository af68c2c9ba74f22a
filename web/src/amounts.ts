// Money helpers bound to the selected company's currency: the text shown, and the exact value
// in data-value for tests and tools.
import { el } from './dom.ts';
import { minorToDecimal, money, toMinor } from './format.ts';
import { S } from './state.ts';

export const dec = () => S.company?.decimal_places ?? 2;
const cur = () => S.company?.currency ?? null;
export const fmt = (minor: number) => money(minor, cur(), dec());
export const minor = (v: unknown) => toMinor(v, dec());

export function amountCell(minorValue: number, testid?: string) {
  return el(
    'td',
    { 'data-value': minorToDecimal(minorValue, dec()), 'data-testid': testid },
    fmt(minorValue),
  );
}

export function setAmount(node: HTMLElement, minorValue: number) {
  node.textContent = fmt(minorValue);
  node.dataset.value = minorToDecimal(minorValue, dec());
}
