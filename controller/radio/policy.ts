// Who may do what with a bulletin. One function, so the users issue can swap in real sign-in and
// roles; the bulletin states are enforced in radio.ts whatever this allows.
import type { Actor, Bulletin } from './schema.js';

export type RadioAction = 'draft' | 'edit' | 'submit' | 'approve' | 'reject' | 'cancel' | 'send-emergency' | 'edit-slots';

export type RadioPolicy = (actor: Actor, action: RadioAction, bulletin?: Bulletin) => string | undefined;

/** The commune's rule: operators prepare, officials approve and may send an emergency at once. */
export const defaultRadioPolicy: RadioPolicy = (actor, action, b) => {
  const official = actor.role === 'official' || actor.role === 'admin';
  switch (action) {
    case 'draft':
    case 'edit':
    case 'submit':
    case 'edit-slots':
      return undefined;
    case 'cancel':
      // An operator may withdraw their own bulletin; taking one off air is an official's call.
      return official || (b?.createdBy === actor.id && b.status !== 'airing') ? undefined : 'only an official may cancel this bulletin';
    case 'approve':
    case 'reject':
      if (!official) return 'only a commune official may approve or reject a bulletin';
      // Four eyes: the one who wrote it is not the one who lets it on air.
      if (b?.createdBy === actor.id) return 'the author of a bulletin cannot approve or reject it';
      return undefined;
    case 'send-emergency':
      return official ? undefined : 'only a commune official may send an emergency bulletin directly';
  }
};
