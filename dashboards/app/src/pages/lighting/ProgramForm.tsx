// The program editor (stub until the shared ProgramEditor lands).
import { signal } from '@preact/signals';
import type { Program } from './api.js';

export interface ProgramDraft {
  mode: 'create' | 'edit';
  id: string;
}
export const editing = signal<ProgramDraft | undefined>(undefined);
export function openEditor(p: Program | undefined): void {
  editing.value = p ? { mode: 'edit', id: p.id } : { mode: 'create', id: '' };
}
export function ProgramForm() {
  return null;
}
