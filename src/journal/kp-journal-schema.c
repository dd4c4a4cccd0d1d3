/* kp-journal-schema.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kp-journal-private.h"
#include "kp-journal-resources.h"

/* The migration steps, in order: step N takes a file from user_version N-1
 * to N. A step that shipped is never edited; a change is a new step. */
static const char * const steps[] = {
  KP_JOURNAL_RESOURCE_PREFIX "schema-1.sql",
  KP_JOURNAL_RESOURCE_PREFIX "schema-2.sql",
  KP_JOURNAL_RESOURCE_PREFIX "schema-3.sql",
  KP_JOURNAL_RESOURCE_PREFIX "schema-4.sql",
  KP_JOURNAL_RESOURCE_PREFIX "schema-5.sql",
  KP_JOURNAL_RESOURCE_PREFIX "schema-6.sql",
};

G_STATIC_ASSERT (G_N_ELEMENTS (steps) == KP_JOURNAL_SCHEMA_VERSION);

static gboolean
read_user_version (sqlite3  *db,
                   gint64   *out_version,
                   GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db, "PRAGMA user_version", error);
  if (stmt == NULL)
    return FALSE;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    return _kp_journal_set_sqlite_error (error, db, "Could not read the journal's version");

  *out_version = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
apply_step_in_transaction (sqlite3  *db,
                           guint     version,
                           GBytes   *sql,
                           GError  **error)
{
  g_autofree char *set_version = NULL;
  gint64 current;

  /* Another process may have migrated the file since we looked. */
  if (!read_user_version (db, &current, error))
    return FALSE;
  if (current >= version)
    return TRUE;

  if (!_kp_journal_exec (db, g_bytes_get_data (sql, NULL), error))
    {
      g_prefix_error (error, "Journal migration to version %u failed: ", version);
      return FALSE;
    }

  /* A pragma takes no bound parameters; the number is this file's constant. */
  set_version = g_strdup_printf ("PRAGMA user_version = %u", version);
  return _kp_journal_exec (db, set_version, error);
}

static gboolean
apply_step (sqlite3  *db,
            guint     version,
            GError  **error)
{
  g_autoptr (GBytes) sql = NULL;

  sql = _kp_journal_schema_get_step (version, error);
  if (sql == NULL)
    return FALSE;

  if (!_kp_journal_begin (db, error))
    return FALSE;

  if (!apply_step_in_transaction (db, version, sql, error))
    {
      _kp_journal_rollback (db);
      return FALSE;
    }

  if (!_kp_journal_commit (db, error))
    return FALSE;

  g_debug ("Journal migrated to version %u", version);
  return TRUE;
}

static gboolean
enable_wal (sqlite3     *db,
            const char  *path,
            gboolean     in_memory,
            GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *mode;

  stmt = _kp_journal_prepare (db, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    return _kp_journal_set_sqlite_error (error, db, "Could not switch the journal to WAL");

  /* A memory database reports "memory" and has nothing to make durable. */
  mode = (const char *) sqlite3_column_text (stmt, 0);
  if (!in_memory && g_ascii_strcasecmp (mode != NULL ? mode : "", "wal") != 0)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_FAILED,
                   "Could not switch the journal “%s” to WAL: the journal mode is still %s",
                   path, mode != NULL ? mode : "unknown");
      return FALSE;
    }

  return TRUE;
}

/**
 * _kp_journal_schema_get_step:
 * @version: 1 to %KP_JOURNAL_SCHEMA_VERSION
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the NUL-terminated SQL of the step that brings a
 *   file to @version
 */
GBytes *
_kp_journal_schema_get_step (guint    version,
                             GError **error)
{
  g_return_val_if_fail (version >= 1 && version <= G_N_ELEMENTS (steps), NULL);

  /* Through the generated getter, so the resource object is always linked in
   * from the static library. */
  return g_resource_lookup_data (kp_journal_schema_get_resource (), steps[version - 1],
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

/* A file already there (an older version created it with the umask's mode) loses
 * its group and other bits. */
static gboolean
make_private (const char  *path,
              int          fd,
              GError     **error)
{
  struct stat st;
  int rc;

  rc = fd >= 0 ? fstat (fd, &st) : g_stat (path, &st);
  if (rc != 0 && fd < 0 && errno == ENOENT)
    return TRUE;
  if (rc == 0 && (st.st_mode & 077) == 0)
    return TRUE;
  if (rc == 0)
    rc = fd >= 0 ? fchmod (fd, st.st_mode & 0700) : g_chmod (path, st.st_mode & 0700);
  if (rc != 0)
    {
      int saved_errno = errno;

      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_FAILED,
                   "Could not make “%s” private: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* The journal holds the shop's sales: only its owner may read it, whatever the umask.
 * SQLite creates a database file with 0644 less the umask, so the file is created
 * here first, 0600; SQLite gives the -wal and -shm files the database file's mode. */
static gboolean
create_private (const char  *path,
                GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  gboolean ok;
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_FAILED,
                   "Could not open the journal “%s”: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  ok = make_private (path, fd, error);
  close (fd);

  return ok && make_private (wal, -1, error) && make_private (shm, -1, error);
}

/**
 * _kp_journal_schema_open:
 * @path: a file name, or ":memory:"
 * @error: return location for a #GError
 *
 * Opens (creating the file and its parent directories if needed) and
 * migrates a journal, with WAL, synchronous=FULL, foreign keys and a busy
 * timeout on the returned connection. A file written by a newer version is
 * refused with %KP_JOURNAL_ERROR_TOO_NEW before anything is written to it.
 *
 * Returns: (transfer full): the connection
 */
sqlite3 *
_kp_journal_schema_open (const char  *path,
                         GError     **error)
{
  g_autoptr (sqlite3) db = NULL;
  gboolean in_memory;
  gint64 version;
  int rc;

  in_memory = g_str_equal (path, ":memory:");

  if (!in_memory)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_FAILED,
                       "Could not create the journal's folder “%s”: %s",
                       dir, g_strerror (saved_errno));
          return NULL;
        }
      if (!create_private (path, error))
        return NULL;
    }

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf ("Could not open the journal “%s”", path);

      _kp_journal_set_sqlite_error (error, db, what);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, KP_JOURNAL_BUSY_TIMEOUT_MS);

  /* Before anything that writes (even the WAL switch writes the header). */
  if (!read_user_version (db, &version, error))
    {
      g_prefix_error (error, "“%s”: ", path);
      return NULL;
    }

  if (version > KP_JOURNAL_SCHEMA_VERSION)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_TOO_NEW,
                   "The journal “%s” was written by a newer version of KakaoPay POS "
                   "(schema %" G_GINT64_FORMAT ", this version knows up to %d); "
                   "it was left untouched",
                   path, version, KP_JOURNAL_SCHEMA_VERSION);
      return NULL;
    }

  if (!enable_wal (db, path, in_memory, error))
    return NULL;

  /* Both are per connection; neither may be changed inside a transaction. */
  if (!_kp_journal_exec (db, "PRAGMA synchronous = FULL", error) ||
      !_kp_journal_exec (db, "PRAGMA foreign_keys = ON", error))
    return NULL;

  for (guint i = version + 1; i <= KP_JOURNAL_SCHEMA_VERSION; i++)
    {
      if (!apply_step (db, i, error))
        return NULL;
    }

  return g_steal_pointer (&db);
}
