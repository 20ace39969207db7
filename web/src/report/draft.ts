// A report form's draft, kept in localStorage on this device until it is sent or discarded.

export const DRAFT_VERSION = 1;

export interface Draft {
  version: number;
  fields: Record<string, string | boolean>;
  profileId: string;
  idempotencyKey: string;
  savedAt: string;
}

/** Where a user's draft is kept: one per user of this browser. */
export function draftKey(user: string): string {
  return `tessera.draft.${user}.report`;
}

/** A stored draft, or null when there is none this version of the form can read. */
export function readDraft(raw: string | null): Draft | null {
  if (!raw) return null;
  try {
    const draft = JSON.parse(raw) as Draft;
    return draft.version === DRAFT_VERSION ? draft : null;
  } catch {
    return null;
  }
}
