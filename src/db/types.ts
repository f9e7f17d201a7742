import type { SqlEntityManager } from '@mikro-orm/knex';

/** A request- or job-scoped EntityManager fork; both drivers are SQL drivers. */
export type Em = SqlEntityManager;
