/* kp-terminal-shop.c: KpTerminal's replication to the shop database
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-terminal"

#include "config.h"

#include "kp-terminal-private.h"

#ifdef HAVE_SHOPDB
#include "kp-shop-client.h"
#include "kp-shop-replicator.h"
#endif

/* With a shop database set (the `shop-db` setting, or --shop-db), the terminal
 * replicates its journal there (KpShopReplicator) once the journal is open. The
 * connection string never holds the password: it is in the keyring
 * (KP_SECRET_SHOP_DB_PASSWORD), put there from --shop-db's connection string by
 * kp_terminal_set_shop_db_password(). A build without libpq has no replicator. */

enum {
  SIGNAL_SHOP_REPLICATOR_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_kp_terminal_class_init_shop (GObjectClass *object_class)
{
  /**
   * KpTerminal::shop-replicator-changed:
   *
   * kp_terminal_get_shop_replicator() changed: a shop database was set, changed or
   * unset.
   */
  signals[SIGNAL_SHOP_REPLICATOR_CHANGED] =
    g_signal_new ("shop-replicator-changed", G_TYPE_FROM_CLASS (object_class),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
_kp_terminal_stop_shop (KpTerminal *self)
{
  self->shop_serial++;
  if (self->shop_replicator == NULL)
    return;

#ifdef HAVE_SHOPDB
  kp_shop_replicator_stop (KP_SHOP_REPLICATOR (self->shop_replicator));
#endif
  g_clear_object (&self->shop_replicator);
  g_clear_pointer (&self->shop_conninfo, g_free);
  g_signal_emit (self, signals[SIGNAL_SHOP_REPLICATOR_CHANGED], 0);
}

#ifdef HAVE_SHOPDB
typedef struct
{
  KpTerminal *self;
  guint       serial;
} Lookup;

static void
build_replicator (KpTerminal *self,
                  const char *password)
{
  const char *conninfo = kp_settings_get_shop_db (self->settings);
  KpShopReplicator *replicator;

  replicator = kp_shop_replicator_new (self->journal, kp_settings_get_terminal_id (self->settings),
                                       conninfo, password);
  self->shop_replicator = G_OBJECT (replicator);
  self->shop_conninfo = g_strdup (conninfo);
  kp_shop_replicator_start (replicator);
  g_signal_emit (self, signals[SIGNAL_SHOP_REPLICATOR_CHANGED], 0);
}

static void
password_looked_up_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autofree Lookup *lookup = user_data;
  g_autoptr (KpTerminal) self = lookup->self;
  g_autoptr (GError) error = NULL;
  char *password;

  password = kp_secret_store_lookup_finish (KP_SECRET_STORE (source), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("No shop database password from the keyring: %s", error->message);

  /* Without a password, libpq may still find one (PGPASSFILE) or need none. */
  if (lookup->serial == self->shop_serial && self->journal != NULL)
    {
      /* Kept for the shop's queries (kp_terminal_new_shop_client()). */
      if (password != NULL && self->shop_password == NULL)
        self->shop_password = g_strdup (password);
      build_replicator (self, password);
    }
  _kp_terminal_wipe_free (password);
}

static void
password_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!kp_secret_store_store_finish (KP_SECRET_STORE (source), result, &error))
    g_warning ("The shop database password could not go to the keyring: %s", error->message);
}
#endif

/* Replicates to the shop database of the settings (again, if it changed), or stops
 * when there is none. */
void
_kp_terminal_start_shop (KpTerminal *self)
{
#ifdef HAVE_SHOPDB
  const char *conninfo = kp_settings_get_shop_db (self->settings);
  Lookup *lookup;

  _kp_terminal_stop_shop (self);
  if (conninfo == NULL || *conninfo == '\0' || self->journal == NULL)
    return;

  if (self->shop_password != NULL)
    {
      build_replicator (self, self->shop_password);
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->serial = self->shop_serial;
  kp_secret_store_lookup_async (self->secrets, KP_SECRET_SHOP_DB_PASSWORD, NULL,
                                password_looked_up_cb, lookup);
#endif
}

/**
 * kp_terminal_get_shop_replicator:
 *
 * Returns: (nullable) (type KpShopReplicator) (transfer none): what replicates the
 *   journal to the shop database, when one is set and the journal is open
 */
gpointer
kp_terminal_get_shop_replicator (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->shop_replicator;
}

/**
 * kp_terminal_set_shop_db_password:
 * @password: the password that came with --shop-db's connection string
 *
 * Keeps @password in the keyring, and uses it for this run: a replicator already
 * running connects again with it.
 */
void
kp_terminal_set_shop_db_password (KpTerminal *self,
                                  const char *password)
{
  g_return_if_fail (KP_IS_TERMINAL (self));
  g_return_if_fail (password != NULL);

  _kp_terminal_wipe_free (self->shop_password);
  self->shop_password = g_strdup (password);
#ifdef HAVE_SHOPDB
  kp_secret_store_store_async (self->secrets, KP_SECRET_SHOP_DB_PASSWORD, password, NULL,
                               password_stored_cb, NULL);
  /* Replicating already (a password typed in the preferences): again, with it. */
  if (self->journal != NULL && self->shop_conninfo != NULL)
    _kp_terminal_start_shop (self);
#endif
}

/**
 * kp_terminal_new_shop_client:
 *
 * Returns: (nullable) (type KpShopClient) (transfer full): a client of the shop
 *   database the terminal replicates to, for the whole shop's sales and reports; %NULL
 *   while there is no replicator
 */
gpointer
kp_terminal_new_shop_client (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);

#ifdef HAVE_SHOPDB
  if (self->shop_replicator != NULL && self->shop_conninfo != NULL)
    return kp_shop_client_new (self->shop_conninfo, self->shop_password);
#endif
  return NULL;
}
