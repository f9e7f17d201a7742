import type { GatehouseModule } from '../../src/module.js';
import { notesMigrations } from './migrations/index.js';
import { Note } from './note.entity.js';
import { NotesResolver } from './notes.resolver.js';

/** The notes module: hand it to `createApp(config, { modules: [notesModule] })`. */
export const notesModule: GatehouseModule = {
  name: 'notes',
  resolvers: [NotesResolver],
  entities: [Note],
  migrations: notesMigrations,
};
