/* kp-shop-command.c: --shop-db and --init-shop-db, without a window
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-pos"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-shop-command.h"

#ifdef HAVE_SHOPDB
#include "kp-shop-db.h"
#endif

/* Both run from the command line before any window is shown (--shop-db while the
 * options are read, --init-shop-db instead of a window): libpq, loaded on first use,
 * may load synchronously here. A window uses kp_shop_conninfo_split_async(). */

/**
 * kp_shop_command_split:
 * @conninfo: --shop-db's connection string
 * @out_conninfo: (out): the same without its password
 * @out_password: (out) (nullable): its password, for the keyring
 *
 * Prints why not (never quoting the string) when @conninfo is not one libpq reads.
 *
 * Returns: %TRUE, or %FALSE when the program should stop
 */
gboolean
kp_shop_command_split (const char  *conninfo,
                       char       **out_conninfo,
                       char       **out_password)
{
#ifdef HAVE_SHOPDB
  g_autoptr (GError) error = NULL;

  if (!kp_shop_conninfo_split (conninfo, out_conninfo, out_password, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  return TRUE;
#else
  g_printerr (_("This build of KakaoPay POS has no shop database (it was built without "
                "libpq).\n"));
  return FALSE;
#endif
}

#ifdef HAVE_SHOPDB
static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}
#endif

/**
 * kp_shop_command_init:
 * @secrets: the keyring
 * @conninfo: (nullable): the shop database, without its password
 * @password: (nullable): the password given with --shop-db: it goes to the
 *   keyring; %NULL: the keyring's, if any
 *
 * `kakaopay-pos --init-shop-db`: creates or upgrades the shop database's tables
 * and says so.
 *
 * Returns: the exit status: 0, or 1 with the reason printed
 */
int
kp_shop_command_init (KpSecretStore *secrets,
                      const char    *conninfo,
                      const char    *password)
{
#ifdef HAVE_SHOPDB
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *described = NULL;
  g_autofree char *stored = NULL;
  int version = 0;

  if (conninfo == NULL || *conninfo == '\0')
    {
      g_printerr (_("No shop database is set: give one with --shop-db CONNINFO.\n"));
      return 1;
    }

  if (password != NULL)
    {
      kp_secret_store_store_async (secrets, KP_SECRET_SHOP_DB_PASSWORD, password, NULL,
                                   store_result_cb, &result);
      if (!kp_secret_store_store_finish (secrets, wait_result (&result), &error))
        {
          /* Translators: %s is the keyring's reason */
          g_printerr (_("The password could not be kept in the keyring: %s\n"), error->message);
          g_clear_error (&error);
        }
    }
  else
    {
      kp_secret_store_lookup_async (secrets, KP_SECRET_SHOP_DB_PASSWORD, NULL, store_result_cb,
                                    &result);
      /* None is no error: libpq may find one (PGPASSFILE) or need none. */
      stored = kp_secret_store_lookup_finish (secrets, wait_result (&result), NULL);
      password = stored;
    }

  described = kp_shop_conninfo_describe (conninfo);
  if (!kp_shop_db_init (conninfo, password, &version, &error))
    {
      /* Translators: the database ("shop on db.example"), then the reason */
      g_printerr (_("Could not set up the shop database %s: %s\n"), described, error->message);
      if (stored != NULL)
        memset (stored, 0, strlen (stored));
      return 1;
    }

  /* Translators: the database ("shop on db.example"), then a number */
  g_print (_("The shop database %s is ready (schema version %d).\n"), described, version);
  if (stored != NULL)
    memset (stored, 0, strlen (stored));
  return 0;
#else
  g_printerr (_("This build of KakaoPay POS has no shop database (it was built without "
                "libpq).\n"));
  return 1;
#endif
}
