/**
 * Child processes of the dev kit (PostgreSQL, the services) must not outlive whoever started
 * them, even when that process is killed outright (a CI timeout, kill -9) and cannot clean
 * up. On Linux, setpriv(1) sets the parent-death signal before exec'ing the command: the
 * kernel sends SIGKILL to the child when its parent dies. Elsewhere the command runs as is.
 */
import { existsSync } from 'node:fs';

const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/** [command, args] that run `command args` and die with this process (where the OS allows). */
export function diesWithParent(command: string, args: string[]): [string, string[]] {
  return setpriv ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, args];
}
