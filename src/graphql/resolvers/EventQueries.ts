import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { EventsArgs } from '../args/fieldArgs';
import { allProjections } from '../../projections/allProjections';
import { projectionStatuses } from '../../projections/projectionCheckpoints';
import type { GraphqlContext } from '../context';
import { eventPage } from '../connections/eventPage';
import { requireAdmin } from '../edge/access';
import { DEFAULT_EVENT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination/pageSize';
import { EventPage } from '../types/EventPage';
import { ProjectionStatus } from '../types/ProjectionStatus';

@Resolver()
export class EventQueries {
  @Query(() => EventPage, {
    description: `The global event log in commit order, for audit and replay tools; never skips or repeats an event across pages. Admin only. \`first\` is 1 to ${MAX_PAGE_SIZE}.`,
  })
  events(
    @Args(() => EventsArgs) { after, first, streamId, types }: EventsArgs,
    @Ctx() { viewer, services }: GraphqlContext,
  ): Promise<EventPage> {
    requireAdmin(viewer, 'events');
    return eventPage(services.eventStore, {
      after,
      first: first ?? DEFAULT_EVENT_PAGE_SIZE,
      streamId,
      types,
    });
  }

  @Query(() => [ProjectionStatus], {
    description: 'Read-model projections and how far behind the log each is. Admin only.',
  })
  async projections(@Ctx() { viewer, services }: GraphqlContext): Promise<ProjectionStatus[]> {
    requireAdmin(viewer, 'projections');
    const statuses = await projectionStatuses(services.db, services.eventStore, allProjections);
    return statuses.map(({ name, position, lag }) => ({ name, position, lag }));
  }
}
