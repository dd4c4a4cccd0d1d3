/* kp-relay-config.c: kakaopay-relay's configuration and the terminals' tokens
 *
 * The key file's `[relay]` group (listening address, public URL, limits) and one
 * `[terminal NAME]` group per terminal, whose token must be worth at least 128 random
 * bits: the token is the key of every link made for the terminal's sales.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kp-address.h"
#include "kp-approval-listener.h"
#include "kp-relay-private.h"
#ifdef HAVE_SHOPDB
#include "kp-pq.h"
#endif

#define TERMINAL_GROUP "terminal "

static gboolean
terminal_name_is_valid (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > KP_RELAY_MAX_TERMINAL_LENGTH)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
        return FALSE;
    }
  return TRUE;
}

/* The placeholders data/kakaopay-relay.conf.sample ships with (the relay test checks that
 * the sample as shipped is refused): anyone can read them. */
static const char * const sample_tokens[] = {
  "REPLACE-WITH-A-RANDOM-TOKEN-1",
  "REPLACE-WITH-A-RANDOM-TOKEN-2",
};

/**
 * kp_relay_token_is_strong:
 * @token: a terminal's token
 *
 * Whether @token is worth at least 128 bits as a random one would be: 32 hex digits, 22
 * base64 characters or the like, not a published placeholder, not a repetition of a
 * shorter part, not three quarters runs (`aaaa`, `abcd`, `4321`), with at least 6
 * different characters. Strict enough to catch what people type, lax enough to pass the
 * output of `openssl rand -base64 32` or `openssl rand -hex 16`: the one most at risk,
 * 32 random hex digits, fails the run rule with a chance of 3.3e-13 and the distinct
 * rule with 3.0e-13 (binomial tail, and surjection counts; at "half runs" and "8
 * distinct" they were 2.2e-6 and 3.5e-8).
 */
gboolean
kp_relay_token_is_strong (const char *token)
{
  gsize length;
  gboolean hex = TRUE;
  gboolean base64 = TRUE;
  gboolean seen[256] = { FALSE };
  guint n_distinct = 0;
  guint n_runs = 0;
  double bits_per_char;

  g_return_val_if_fail (token != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (sample_tokens); i++)
    {
      if (g_ascii_strcasecmp (token, sample_tokens[i]) == 0)
        return FALSE;
    }

  /* base64 padding adds nothing */
  length = strlen (token);
  while (length > 0 && token[length - 1] == '=')
    length--;
  if (length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = token[i];

      if (!seen[c])
        {
          seen[c] = TRUE;
          n_distinct++;
        }
      if (!g_ascii_isxdigit (c))
        hex = FALSE;
      if (!g_ascii_isalnum (c) && c != '-' && c != '_' && c != '+' && c != '/')
        base64 = FALSE;
      if (i > 0 && ABS ((int) c - (int) (guchar) token[i - 1]) <= 1)
        n_runs++;
    }
  bits_per_char = hex ? 4.0 : base64 ? 6.0 : 6.5;
  if (length * bits_per_char < 128.0 || n_distinct < 6 || n_runs * 4 > (length - 1) * 3)
    return FALSE;

  /* A shorter part repeated: "abcdefgh" four times is no stronger than once. */
  for (gsize period = 1; period <= length / 2; period++)
    {
      gsize i;

      for (i = period; i < length && token[i] == token[i - period]; i++)
        ;
      if (i == length)
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_limit (GKeyFile    *key_file,
            const char  *key,
            guint        min,
            guint        max,
            guint       *out_value,
            GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  guint64 value;

  if (!g_key_file_has_key (key_file, "relay", key, NULL))
    return TRUE;
  value = g_key_file_get_uint64 (key_file, "relay", key, &local_error);
  if (local_error != NULL || value < min || value > max)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   /* Translators: %s is a setting's name, the numbers its bounds */
                   _("[relay] %s must be a whole number from %u to %u."), key, min, max);
      return FALSE;
    }
  *out_value = value;
  return TRUE;
}

/* `database` holds a password, maybe: it is never shown, not even in part. */
static gboolean
read_database (const char  *conninfo,
               GError     **error)
{
#ifdef HAVE_SHOPDB
  const char *library_name;
  const char *reason;

  /* libpq is loaded here, before the relay listens, and only for a database. */
  if (!kp_pq_load (&library_name, &reason))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   /* Translators: %s is libpq's file name, then the reason */
                   _("[relay] database needs PostgreSQL’s client library, %s, which could "
                     "not be loaded: %s. Install it (Debian: libpq5)."), library_name, reason);
      return FALSE;
    }
  if (*conninfo != '\0' && _kp_relay_store_check_conninfo (conninfo))
    return TRUE;
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
               _("[relay] database is not a PostgreSQL connection string (such as "
                 "“host=/run/postgresql dbname=kakaopay_relay”)."));
#else
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
               _("[relay] database needs a relay built with PostgreSQL (libpq)."));
#endif
  return FALSE;
}

/**
 * kp_relay_load_key_file:
 *
 * Reads `[relay]` (listen, public-url, max-event-age, max-events, max-connections,
 * head-timeout, database, database-connections) and one `[terminal NAME]` group with `token=` per terminal. Call before
 * listening.
 */
gboolean
kp_relay_load_key_file (KpRelay   *self,
                        GKeyFile  *key_file,
                        GError   **error)
{
  g_auto (GStrv) groups = NULL;
  g_autoptr (GHashTable) terminals = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *host = NULL;
  guint max_event_age = self->max_event_age;
  guint max_events = self->max_events;
  guint max_connections = self->max_connections;
  guint head_timeout = self->head_timeout;
  guint database_connections = self->database_connections;
  g_autofree char *database = NULL;
  guint16 port;

  g_return_val_if_fail (KP_IS_RELAY (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  listen = g_key_file_get_string (key_file, "relay", "listen", NULL);
  if (listen != NULL && !kp_address_parse_host_port (listen, "0.0.0.0", &host, &port, error))
    return FALSE;
  public_url = g_key_file_get_string (key_file, "relay", "public-url", NULL);
  if (public_url != NULL)
    {
      g_autoptr (GUri) uri = g_uri_parse (public_url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       /* Translators: %s is what the configuration file says */
                       _("[relay] public-url “%s” is not an absolute URL."), public_url);
          return FALSE;
        }
    }
  if (!read_limit (key_file, "max-event-age", 1, 7 * 24 * 3600, &max_event_age, error) ||
      !read_limit (key_file, "max-events", 1, 100000, &max_events, error) ||
      !read_limit (key_file, "max-connections", 1, 100000, &max_connections, error) ||
      !read_limit (key_file, "head-timeout", 1, 60, &head_timeout, error) ||
      !read_limit (key_file, "database-connections", 1, 64, &database_connections, error))
    return FALSE;
  database = g_key_file_get_string (key_file, "relay", "database", NULL);
  if (database != NULL && !read_database (database, error))
    {
      memset (database, 0, strlen (database));
      return FALSE;
    }

  terminals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) _kp_relay_terminal_free);
  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *name;
      g_autofree char *token = NULL;
      KpRelayTerminal *terminal;

      if (!g_str_has_prefix (groups[i], TERMINAL_GROUP))
        continue;
      name = groups[i] + strlen (TERMINAL_GROUP);
      if (!terminal_name_is_valid (name))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       /* Translators: %s is a terminal name from the configuration file */
                       _("Terminal name “%s” may only have letters, digits, “-”, “_” and "
                         "“.” (at most 64)."), name);
          return FALSE;
        }
      token = g_key_file_get_string (key_file, groups[i], "token", NULL);
      if (token != NULL)
        g_strstrip (token);
      if (token == NULL || strlen (token) < KP_RELAY_MIN_TOKEN_LENGTH ||
          strlen (token) > KP_APPROVAL_LISTENER_MAX_HEADER_BYTES / 4 ||
          !kp_relay_token_is_strong (token))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       /* Translators: %s is a terminal name; the token itself is never
                        * shown. Keep the commands as they are. */
                       _("Terminal “%s” needs a random token: the sample’s placeholders and "
                         "short or patterned tokens can be guessed. Make one with "
                         "“openssl rand -base64 32” or “head -c 32 /dev/urandom | base64”, "
                         "and enter it in the terminal’s preferences too."), name);
          return FALSE;
        }

      terminal = _kp_relay_terminal_new (self, name, g_steal_pointer (&token));
      g_hash_table_replace (terminals, terminal->name, terminal);
    }

  if (listen != NULL)
    {
      g_free (self->listen);
      self->listen = g_steal_pointer (&listen);
    }
  g_free (self->public_url);
  self->public_url = g_steal_pointer (&public_url);
  self->max_event_age = max_event_age;
  self->max_events = max_events;
  self->max_connections = max_connections;
  self->head_timeout = head_timeout;
  self->database_connections = database_connections;
  if (database != NULL)
    {
      g_clear_pointer (&self->epoch, g_free);
      self->database = g_steal_pointer (&database);
    }
  g_hash_table_unref (self->terminals);
  self->terminals = g_steal_pointer (&terminals);
  return TRUE;
}
