/* kp-shop-status.c: what the cashier reads about the replication to the shop database
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kp-shop-status.h"

/* The replicator is read through its properties (online, waiting, last-error), so that
 * a build without libpq, which has none, needs nothing else. */

typedef struct
{
  gboolean  online;
  guint     waiting;
  char     *last_error;
} State;

static void
read_state (GObject *replicator,
            State   *state)
{
  g_object_get (replicator,
                "online", &state->online,
                "waiting", &state->waiting,
                "last-error", &state->last_error,
                NULL);
}

/**
 * kp_shop_status_dup_indicator:
 * @replicator: (nullable): the terminal's KpShopReplicator
 *
 * Returns: (transfer full) (nullable): the main window's line about the shop
 *   database, or %NULL while it is online and caught up (or not set)
 */
char *
kp_shop_status_dup_indicator (GObject *replicator)
{
  State state = { 0, };
  char *text = NULL;

  if (replicator == NULL)
    return NULL;

  read_state (replicator, &state);
  /* Offline once a pass failed; before the first pass, only what waits is news. */
  if (!state.online && state.last_error != NULL)
    text = g_strdup_printf (ngettext ("Shop database offline, %u change waiting",
                                      "Shop database offline, %u changes waiting",
                                      state.waiting),
                            state.waiting);
  else if (state.waiting > 0)
    text = g_strdup_printf (ngettext ("Shop database: %u change waiting",
                                      "Shop database: %u changes waiting",
                                      state.waiting),
                            state.waiting);
  g_free (state.last_error);
  return text;
}

/**
 * kp_shop_status_dup_summary:
 * @replicator: (nullable): the terminal's KpShopReplicator
 * @conninfo: (nullable): the `shop-db` setting
 *
 * Returns: (transfer full): the preferences' status of the shop database
 */
char *
kp_shop_status_dup_summary (GObject    *replicator,
                            const char *conninfo)
{
  State state = { 0, };
  g_autofree char *waiting = NULL;
  g_autofree char *error = NULL;
  const char *link;

  if (conninfo == NULL || *conninfo == '\0')
    return g_strdup (_("Not set: this terminal keeps its sales to itself"));
  if (replicator == NULL)
    return g_strdup (_("Not started"));

  read_state (replicator, &state);
  if (state.online)
    link = _("Online");
  else if (state.last_error != NULL)
    link = _("Offline");
  else
    link = _("Connecting…");

  if (state.waiting == 0)
    waiting = g_strdup (_("all changes sent"));
  else
    waiting = g_strdup_printf (ngettext ("%u change waiting", "%u changes waiting",
                                         state.waiting),
                               state.waiting);

  if (state.last_error != NULL && !state.online)
    {
      g_autofree char *scrubbed = kp_shop_status_scrub (state.last_error);

      /* Translators: the shop database's link, what waits, and the last error */
      error = g_strdup_printf (_("%s, %s — %s"), link, waiting, scrubbed);
    }
  else
    {
      /* Translators: the shop database's link, and what waits */
      error = g_strdup_printf (_("%s, %s"), link, waiting);
    }
  g_free (state.last_error);
  return g_steal_pointer (&error);
}

/**
 * kp_shop_status_scrub:
 * @message: an error from libpq or the replicator
 *
 * Returns: (transfer full): @message on one line, without a password it might quote
 *   (`password=…` in a connection string, `user:password@` in a URI)
 */
char *
kp_shop_status_scrub (const char *message)
{
  g_autoptr (GRegex) keyword = NULL;
  g_autoptr (GRegex) uri = NULL;
  g_autofree char *step = NULL;
  g_autofree char *line = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  keyword = g_regex_new ("(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|\\S+)",
                         G_REGEX_CASELESS, 0, NULL);
  uri = g_regex_new ("(://[^:/@\\s]*:)[^@\\s]*@", 0, 0, NULL);

  step = g_regex_replace (keyword, message, -1, 0, "\\1***", 0, NULL);
  line = g_regex_replace (uri, step, -1, 0, "\\1***@", 0, NULL);
  g_strstrip (line);
  g_strdelimit (line, "\r\n\t", ' ');
  return g_steal_pointer (&line);
}
