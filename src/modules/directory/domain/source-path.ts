/**
 * The form of a CSV source's file path, checked without touching the disk (the folder itself is
 * resolved by `source-files.service.ts`): shared by the CSV adapter's settings and the uploads.
 */
import { isAbsolute } from 'node:path';
import { SourceSettingsError } from './person-source.ts';

/** Longest relative path accepted. */
const MAX_PATH = 500;
/** A path segment: letters, digits, `.`, `_`, `-`, not starting with a dot (no hidden file, no `..`). */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/**
 * Checks a relative path's form without touching the disk (throws {@link SourceSettingsError} on
 * `path`): relative, segments of letters, digits, `.`, `_`, `-`, none empty, `.` or `..`.
 */
export function checkRelativePath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') throw new SourceSettingsError('path', 'required', 'the path of the CSV file, relative to PERSON_SOURCE_DIR');
  if (isAbsolute(path) || path.startsWith('\\')) throw new SourceSettingsError('path', 'path_not_relative', 'a path relative to PERSON_SOURCE_DIR (e.g. persons.csv), not an absolute path');
  if (path.length > MAX_PATH) throw new SourceSettingsError('path', 'path_too_long', `at most ${MAX_PATH} characters`);
  const segments = path.split('/');
  if (segments.some((segment) => segment === '..')) throw new SourceSettingsError('path', 'path_outside_directory', 'the file must be inside PERSON_SOURCE_DIR: ".." is not allowed');
  if (!segments.every((segment) => SEGMENT.test(segment))) {
    throw new SourceSettingsError('path', 'invalid_path', 'folder and file names of letters, digits, ".", "_" and "-", separated by "/"');
  }
  return path;
}

