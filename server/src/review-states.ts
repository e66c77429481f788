import { z } from 'zod';

/**
 * Where an admin's review of a posted demand or of a verification stands. One enum for both: the
 * typed API names the states, `demands.review_state` and every verification's `state` store their
 * codes, and the legacy API numbers them the same way.
 */
export const reviewStates = ['pending', 'approved', 'rejected'] as const;
export type ReviewState = (typeof reviewStates)[number];
export const reviewState = z.enum(reviewStates);

/** How review states are stored. */
export const reviewCodes: Record<ReviewState, number> = { pending: 0, approved: 1, rejected: 2 };

/** The state a stored code stands for; an unknown code reads as pending, so it is never shown as approved. */
export const reviewStateOfCode = (code: number): ReviewState => reviewStates[code] ?? 'pending';
