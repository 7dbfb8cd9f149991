/**
 * The directory context as the composition root sees it: the source definitions and the sync
 * engine, built together (the engine reads the definitions through the sources service).
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { JobRunsService } from '../jobs/jobs.service.ts';
import type { PeopleService } from '../people/people.service.ts';
import type { PhotosService } from '../photos/photos.service.ts';
import type { SourceMapping } from './domain/person-mapping.ts';
import type { PersonSourceFactory, PersonSourceKind } from './domain/person-source.ts';
import { createDirectorySyncService, type MembershipRecorder } from './directory-sync.service.ts';
import { createPersonSourcesService } from './person-sources.service.ts';
import type { SourceFilesService } from './source-files.service.ts';

export interface DirectoryServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'list' | 'personTypesOf'>;
  people: Pick<PeopleService, 'upsertMany' | 'endRights' | 'viewsByEppn'>;
  photos: Pick<PhotosService, 'prepare' | 'save' | 'listForPerson'>;
  groupRoles?: () => MembershipRecorder | undefined;
  jobRuns: JobRunsService;
  jobs: Pick<JobQueue, 'send'>;
  /** DIRECTORY_SECRETS. */
  secrets: Readonly<Record<string, string>>;
  /** PERSON_SOURCE_DIR, where CSV sources are read from and uploaded to. */
  sourceFiles: SourceFilesService;
  /** The plug-ins: kind → factory and the mapping a new source of that kind starts from. */
  kinds: Partial<Record<PersonSourceKind, { factory: PersonSourceFactory; defaultMapping?: SourceMapping }>>;
  logger?: Logger;
  now?: () => Date;
}

/** Builds `{ sources, sync, files }`. */
export function createDirectoryService(deps: DirectoryServiceDeps) {
  const sources = createPersonSourcesService({
    db: deps.db, institution: deps.institution, people: deps.people, secrets: deps.secrets, sourceFiles: deps.sourceFiles, ...(deps.now ? { now: deps.now } : {}),
  });
  for (const [kind, plugin] of Object.entries(deps.kinds)) sources.register(kind as PersonSourceKind, plugin.factory, plugin.defaultMapping);
  const sync = createDirectorySyncService({
    db: deps.db, sources, people: deps.people, photos: deps.photos, jobRuns: deps.jobRuns, jobs: deps.jobs,
    ...(deps.groupRoles ? { groupRoles: deps.groupRoles } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  return { sources, sync, files: deps.sourceFiles };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
