import { z } from 'zod';
import * as fields from '../../fields.js';
import type { Services } from '../../services.js';
import { authedProcedure, publicProcedure, router } from '../../trpc/init.js';
import { resumeLists } from './resume.lists.js';
import type { ResumeListService } from './resume.service.js';

/**
 * The same five procedures for each list, over the logged-in user's own entries. The factory is
 * generic over the list's schemas (not its zod shape), so each instantiated router keeps the exact
 * input and output types of its list.
 */
function listRouter<
  Item extends z.ZodType<object>,
  Update extends z.ZodType<{ id: number }>,
  Entry extends z.ZodType<object>,
  ReplaceAll extends z.ZodType<{ items: object[] }>,
>(
  list: {
    item: Item;
    update: Update;
    entry: Entry;
    replaceAll: ReplaceAll;
    periodErrors: readonly 'END_BEFORE_BEGIN'[];
  },
  serviceOf: (services: Services) => ResumeListService<z.output<Item>>,
) {
  // TypeScript cannot relate the service's entries to a generic schema's types here, so answers
  // are handed over untyped; `.output()` checks every answer at runtime.
  const checked = <T>(answer: Promise<T>) => answer as Promise<never>;

  return router({
    /** The user's entries in the order they were added, one page at a time. */
    list: authedProcedure
      .input(z.object(fields.pageRequest))
      .output(fields.pageOf(list.entry))
      .query(({ ctx, input }) => checked(serviceOf(ctx.services).page(ctx.user.id, input))),

    /** Adds an entry; a list holds at most 100, with at most 50,000 characters of text in all. */
    add: authedProcedure
      .meta({ errors: ['RESUME_LIST_FULL', 'RESUME_TOO_LARGE', ...list.periodErrors] })
      .input(list.item)
      .output(list.entry)
      .mutation(({ ctx, input }) =>
        checked(serviceOf(ctx.services).add(ctx.user.id, input as z.output<Item>)),
      ),

    /**
     * Changes the fields given of one of the user's entries; a field left out keeps what is stored
     * (send `""` to empty a text). Another user's id, or an entry deleted meanwhile, answers
     * NOT_FOUND; an end before the begin, as stored or sent, END_BEFORE_BEGIN.
     */
    update: authedProcedure
      .meta({ errors: ['NOT_FOUND', 'RESUME_TOO_LARGE', ...list.periodErrors] })
      .input(list.update)
      .output(list.entry)
      .mutation(({ ctx, input }) => {
        const { id, ...changes } = input;
        return checked(serviceOf(ctx.services).update(ctx.user.id, id, changes as Partial<z.output<Item>>));
      }),

    /** Deletes one of the user's entries; another user's id answers NOT_FOUND. */
    remove: authedProcedure
      .meta({ errors: ['NOT_FOUND'] })
      .input(z.object({ id: fields.id }))
      .output(z.void())
      .mutation(({ ctx, input }) => serviceOf(ctx.services).remove(ctx.user.id, input.id)),

    /** Replaces the whole list at once, in the given order; one invalid item changes nothing. */
    replaceAll: authedProcedure
      // A list of more than 100 is refused by its schema (VALIDATION_FAILED), before the service.
      .meta({ errors: ['RESUME_TOO_LARGE', ...list.periodErrors] })
      .input(list.replaceAll)
      .output(z.array(list.entry))
      .mutation(({ ctx, input }) =>
        checked(serviceOf(ctx.services).replaceAll(ctx.user.id, input.items as z.output<Item>[])),
      ),
  });
}

export const resumeRouter = router({
  projects: listRouter(resumeLists.projects, (s) => s.resume.projects),
  skills: listRouter(resumeLists.skills, (s) => s.resume.skills),
  jobs: listRouter(resumeLists.jobs, (s) => s.resume.jobs),
  education: listRouter(resumeLists.education, (s) => s.resume.education),

  /** Anyone's resume, as employers read it: projects, skills, work and education; no contact data. */
  ofUser: publicProcedure
    .meta({ errors: ['NOT_FOUND'] })
    .input(z.object({ userId: fields.id }))
    .output(
      z.object({
        userId: z.number().int(),
        projects: z.array(resumeLists.projects.entry),
        skills: z.array(resumeLists.skills.entry),
        jobs: z.array(resumeLists.jobs.entry),
        education: z.array(resumeLists.education.entry),
      }),
    )
    .query(({ ctx, input }) => ctx.services.resume.ofUser(input.userId)),
});
