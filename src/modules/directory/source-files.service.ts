/**
 * The folder CSV person sources read from (PERSON_SOURCE_DIR) and the files an admin uploads
 * into it. A source names its file relative to the folder; the name is resolved with `realpath`,
 * so neither `..`, an absolute path nor a symbolic link reaches anything outside: a source
 * definition (free text an admin types, whose preview shows the file's content) can never expose
 * another file of the server.
 *
 * Institutions: files directly in the folder, or in subfolders not named after an institution,
 * belong to admins of every institution; `<institution code>/…` also to the admins of that
 * institution. An admin limited to some institutions names and uploads only files under their
 * codes, so they never read another institution's export.
 */
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { SourceSettingsError } from './domain/person-source.ts';
import { checkRelativePath } from './domain/source-path.ts';

/** What the folder is checked against: the caller's institution codes (null: every institution). */
export interface SourceFileScope {
  institutionCodes: readonly string[] | null;
}

/** The folder of CSV person sources: resolves what sources name, and stores uploads. */
export function createSourceFilesService(deps: { directory: string }) {
  const { directory } = deps;

  async function root(): Promise<string> {
    try {
      return await realpath(directory);
    } catch {
      throw new SourceSettingsError('path', 'source_dir_missing', 'PERSON_SOURCE_DIR does not exist on the server: ask the server administrator to create it');
    }
  }

  function checkScope(scope: SourceFileScope, path: string): void {
    if (scope.institutionCodes === null) return;
    const [first = '', ...rest] = checkRelativePath(path).split('/');
    if (rest.length === 0 || !scope.institutionCodes.includes(first)) {
      const example = scope.institutionCodes[0] ?? 'code';
      throw new SourceSettingsError('path', 'path_outside_institution_folder', `a file in the folder of your institution, e.g. ${example}/persons.csv`);
    }
  }

  function inside(base: string, candidate: string): boolean {
    const rel = relative(base, candidate);
    return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  }

  return {
    /** The configured folder. */
    directory,

    /**
     * The real path of the regular file `path` names, inside the folder (throws
     * {@link SourceSettingsError} on `path`: `path_not_relative`, `path_outside_directory` (also
     * through a symbolic link), `file_not_found`, `not_a_file`, `source_dir_missing`).
     */
    async resolve(path: string): Promise<string> {
      const checked = checkRelativePath(path);
      const base = await root();
      let real: string;
      try {
        real = await realpath(join(base, checked));
      } catch {
        throw new SourceSettingsError('path', 'file_not_found', `no file ${checked} in PERSON_SOURCE_DIR`);
      }
      if (!inside(base, real)) throw new SourceSettingsError('path', 'path_outside_directory', 'the file must be inside PERSON_SOURCE_DIR (a link leading outside is refused)');
      if (!(await stat(real)).isFile()) throw new SourceSettingsError('path', 'not_a_file', `${checked} is not a file`);
      return real;
    },

    /**
     * Whether a caller may name `path`: every institution's admins any file; others only files
     * under the folder named after one of their institution codes (throws {@link SourceSettingsError}
     * `path_outside_institution_folder` otherwise).
     */
    checkScope,

    /**
     * Stores an uploaded file at `path` (subfolders created), replacing it whole: written aside then
     * renamed, so a sync reading meanwhile sees the old file or the new one, never half of one.
     * A path whose existing parts lead outside the folder (a link) is refused as {@link resolve} does.
     */
    async save(scope: SourceFileScope, path: string, bytes: Uint8Array): Promise<{ path: string; size: number }> {
      const segments = checkRelativePath(path).split('/');
      checkScope(scope, path);
      const base = await root();
      // Folder by folder, each checked before the next is made: a link to elsewhere is never followed to create anything.
      let folder = base;
      for (const segment of segments.slice(0, -1)) {
        const next = join(folder, segment);
        await mkdir(next).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
        folder = await realpath(next);
        if (!inside(base, folder)) throw new SourceSettingsError('path', 'path_outside_directory', 'the file must be inside PERSON_SOURCE_DIR (a link leading outside is refused)');
      }
      const final = join(folder, segments[segments.length - 1] ?? '');
      const existing = await lstat(final).catch(() => undefined);
      if (existing && !existing.isFile() && !existing.isSymbolicLink()) throw new SourceSettingsError('path', 'not_a_file', `${path} is not a file`);
      const temporary = join(folder, `.upload-${randomUUID()}`);
      try {
        await writeFile(temporary, bytes, { flag: 'wx', mode: 0o640 });
        // rename replaces a symbolic link at `final` itself, never the file it points at.
        await rename(temporary, final);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return { path, size: bytes.byteLength };
    },
  };
}

export type SourceFilesService = ReturnType<typeof createSourceFilesService>;
