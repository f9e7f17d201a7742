import 'reflect-metadata';
import { authzReportCli } from '../../src/cli/authz-report.js';
import { schemaCli } from '../../src/cli/print-schema.js';
import { runCli } from '../../src/cli/run-cli.js';
import { notesModule } from './module.js';

/**
 * The schema and access report of this entry point (Gatehouse + notes):
 * `cli.js schema [--check FILE]` prints examples/notes/schema.graphql, `cli.js authz [--json]` the access report.
 */
runCli(async ([command, ...args]) => {
  if (command === 'schema') return schemaCli(args, [notesModule]);
  if (command === 'authz') return authzReportCli(args, [notesModule]);
  console.error('usage: cli.js schema [--check FILE] | authz [--json]');
  return 2;
});
