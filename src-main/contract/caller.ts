/**
 * Which front door a call came through. The CLI acts for the user at their own shell and may name any path; the
 * app's doors (Electron IPC, browser mode over HTTP) carry requests that a page or anything holding the token can
 * forge, so there a path must be an upload, a file-dialog grant, or a plain name in the workspace's folders.
 */
export type Door = 'cli' | 'ipc' | 'http' | 'engine'

export interface Caller {
  door: Door
}

export const CLI_CALLER: Caller = { door: 'cli' }

/** Calls the engine makes itself (a job's declared follow-ups): given no more than a request from the app gets. */
export const ENGINE_CALLER: Caller = { door: 'engine' }

/** Prefix of the one-file handles the native dialogs hand the renderer instead of a path. */
export const GRANT_PREFIX = 'grant:'
