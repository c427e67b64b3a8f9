// The radio's bulletin steps, asked of the one policy (controller/auth/policy.ts). The bulletin
// states are enforced in radio.ts whatever this allows.
import { authorize, type Action, type Actor } from '../auth/policy.js';
import type { Bulletin } from './schema.js';

export type RadioAction = 'draft' | 'edit' | 'submit' | 'approve' | 'reject' | 'cancel' | 'send-emergency' | 'edit-slots';

export type RadioPolicy = (actor: Actor, action: RadioAction, bulletin?: Bulletin) => string | undefined;

const ACTION: Record<RadioAction, Action> = {
  draft: 'radio.draft',
  edit: 'radio.draft',
  submit: 'radio.draft',
  approve: 'radio.approve',
  reject: 'radio.approve',
  cancel: 'radio.cancel',
  'send-emergency': 'radio.emergency',
  'edit-slots': 'radio.slots',
};

/** The reason a step is refused, or undefined when it is allowed. */
export const defaultRadioPolicy: RadioPolicy = (actor, action, b) => {
  const d = authorize(actor, ACTION[action], b && { bulletin: b });
  return d.ok ? undefined : d.reason;
};
