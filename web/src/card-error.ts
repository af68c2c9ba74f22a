// A card that could not load says so inside itself; the other cards keep their figures.
import { $, el } from './dom.ts';

export function cardError(section: string, e: unknown) {
  const card = $(section);
  let box = card.querySelector<HTMLElement>('.card-error');
  if (!box) {
    box = el('p', { class: 'card-error error-text', role: 'alert' });
    card.insertBefore(box, card.children[1] ?? null);
  }
  box.textContent = `Could not load: ${e instanceof Error ? e.message : String(e)}`;
}

export function clearCardError(section: string) {
  $(section).querySelector('.card-error')?.remove();
}
