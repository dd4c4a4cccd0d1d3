/* kp-terminal.c: what a terminal is — its settings, services, journal and sale
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-terminal"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-terminal-private.h"

/*
 * KpTerminal owns what a terminal is, without a widget: the settings (KpSettings, the
 * command line already applied), the keyring, the KakaoPay client, the embedded
 * sandbox in test mode, the approval listener or relay client, the journal, and the
 * checkout, reconciler and refunder over them. It rebuilds its services when the
 * settings change or a secret does (kp_terminal_reload()): new sales use the new
 * ones; a sale in flight ends with those it started with. Windows read the current
 * sale and state from here and listen to its notifications.
 */


G_DEFINE_FINAL_TYPE (KpTerminal, kp_terminal, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CHECKOUT,
  PROP_TEST_MODE,
  PROP_SETUP_ERROR,
  PROP_RELAY_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kp_terminal_dispose (GObject *object)
{
  KpTerminal *self = KP_TERMINAL (object);

  kp_terminal_shutdown (self);
  _kp_terminal_stop_shop (self);
  g_clear_object (&self->reconciler);
  g_clear_object (&self->refunder);
  g_clear_object (&self->receipt_printer);
  g_clear_object (&self->journal);
  if (self->relay != NULL)
    kp_relay_client_stop (self->relay);
  g_clear_object (&self->relay);
  g_clear_object (&self->listener);
  g_clear_object (&self->client);
  g_clear_object (&self->sandbox);
  for (guint i = 0; self->retired != NULL && i < self->retired->len; i++)
    {
      if (KP_IS_RELAY_CLIENT (g_ptr_array_index (self->retired, i)))
        kp_relay_client_stop (g_ptr_array_index (self->retired, i));
    }
  if (self->retired != NULL)
    g_ptr_array_set_size (self->retired, 0);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kp_terminal_parent_class)->dispose (object);
}

static void
kp_terminal_finalize (GObject *object)
{
  KpTerminal *self = KP_TERMINAL (object);

  g_free (self->journal_path);
  g_free (self->callback_base);
  g_free (self->listen_address);
  g_free (self->relay_url);
  g_free (self->relay_token_digest);
  _kp_terminal_wipe_free (self->sandbox_key);
  _kp_terminal_wipe_free (self->cid_secret);
  g_free (self->setup_error);
  g_free (self->journal_error);
  _kp_terminal_wipe_free (self->shop_password);
  g_free (self->shop_conninfo);
  g_clear_pointer (&self->retired, g_ptr_array_unref);

  G_OBJECT_CLASS (kp_terminal_parent_class)->finalize (object);
}

static void
kp_terminal_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KpTerminal *self = KP_TERMINAL (object);

  switch (prop_id)
    {
    case PROP_CHECKOUT:
      g_value_set_object (value, self->checkout);
      break;
    case PROP_TEST_MODE:
      g_value_set_boolean (value, self->test_mode);
      break;
    case PROP_SETUP_ERROR:
      g_value_set_string (value, kp_terminal_get_setup_error (self));
      break;
    case PROP_RELAY_STATE:
      g_value_set_int (value, kp_terminal_get_relay_state (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_terminal_class_init (KpTerminalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_terminal_dispose;
  object_class->finalize = kp_terminal_finalize;
  object_class->get_property = kp_terminal_get_property;

  /* The checkout, once the journal is open; notified on every rebuild too. */
  properties[PROP_CHECKOUT] =
    g_param_spec_object ("checkout", NULL, NULL, KP_TYPE_CHECKOUT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Also notified when the test CID comes or goes (kp_terminal_uses_test_cid()). */
  properties[PROP_TEST_MODE] =
    g_param_spec_boolean ("test-mode", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETUP_ERROR] =
    g_param_spec_string ("setup-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A KpRelayState, or -1 when approvals do not go through a relay. */
  properties[PROP_RELAY_STATE] =
    g_param_spec_int ("relay-state", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _kp_terminal_class_init_receipts (object_class);
  _kp_terminal_class_init_shop (object_class);
}

static void
kp_terminal_init (KpTerminal *self)
{
  self->retired = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * kp_terminal_new:
 * @settings: the settings, the command line applied
 * @secrets: the keyring
 * @journal_path: the sales journal's file
 *
 * A terminal, not started: nothing listens and nothing is opened until
 * kp_terminal_start().
 *
 * Returns: (transfer full): a new terminal
 */
KpTerminal *
kp_terminal_new (KpSettings    *settings,
                 KpSecretStore *secrets,
                 const char    *journal_path)
{
  KpTerminal *self;

  g_return_val_if_fail (KP_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (KP_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (journal_path != NULL, NULL);

  self = g_object_new (KP_TYPE_TERMINAL, NULL);
  self->settings = g_object_ref (settings);
  self->secrets = g_object_ref (secrets);
  self->journal_path = g_strdup (journal_path);
  self->test_mode = kp_settings_get_test_mode (settings);
  return self;
}

/**
 * kp_terminal_start:
 *
 * Brings the services up (the keyring read, the sandbox or KakaoPay's client, the
 * listener or relay) and opens the journal, all in the background; #KpTerminal:checkout
 * is notified once a sale can start. Sales and refunds left unfinished are recovered.
 */
void
kp_terminal_start (KpTerminal *self)
{
  g_return_if_fail (KP_IS_TERMINAL (self));

  _kp_terminal_start_services (self);
}

/**
 * kp_terminal_reload:
 *
 * Builds the KakaoPay services again from the settings and the keyring (after a secret
 * changed). New sales use them; a sale in flight ends with those it started with.
 */
void
kp_terminal_reload (KpTerminal *self)
{
  g_return_if_fail (KP_IS_TERMINAL (self));

  if (!self->services_started)
    return;
  g_clear_handle_id (&self->reload_id, g_source_remove);
  _kp_terminal_reload_services (self);
  if (self->journal != NULL &&
      g_strcmp0 (self->shop_conninfo, kp_settings_get_shop_db (self->settings)) != 0)
    _kp_terminal_start_shop (self);
}

/**
 * kp_terminal_shutdown:
 *
 * Stops taking sales: whatever is in flight stays journaled as it is, and the next
 * start resolves it.
 */
void
kp_terminal_shutdown (KpTerminal *self)
{
  g_return_if_fail (KP_IS_TERMINAL (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_object (&self->checkout);
}

KpSettings *
kp_terminal_get_settings (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->settings;
}

KpSecretStore *
kp_terminal_get_secret_store (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->secrets;
}

/**
 * kp_terminal_get_client:
 *
 * Returns: (nullable) (transfer none): the KakaoPay client of now
 */
KpClient *
kp_terminal_get_client (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->client;
}

/**
 * kp_terminal_get_journal:
 *
 * Returns: (nullable) (transfer none): the journal, once open
 */
KpJournal *
kp_terminal_get_journal (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->journal;
}

/**
 * kp_terminal_get_checkout:
 *
 * Returns: (nullable) (transfer none): the checkout, once the journal is open
 */
KpCheckout *
kp_terminal_get_checkout (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->checkout;
}

/**
 * kp_terminal_get_reconciler:
 *
 * Returns: (nullable) (transfer none): the reconciler, once the journal is open
 */
KpReconciler *
kp_terminal_get_reconciler (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->reconciler;
}

/**
 * kp_terminal_get_refunder:
 *
 * Returns: (nullable) (transfer none): the refunder, once the journal is open
 */
KpRefunder *
kp_terminal_get_refunder (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->refunder;
}

/**
 * kp_terminal_get_listener:
 *
 * Returns: (nullable) (transfer none): the approval listener of now
 */
KpApprovalListener *
kp_terminal_get_listener (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->listener;
}

/**
 * kp_terminal_get_sandbox:
 *
 * Returns: (nullable) (type KpSandbox) (transfer none): the embedded sandbox in test mode
 */
gpointer
kp_terminal_get_sandbox (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->sandbox;
}

gboolean
kp_terminal_is_test_mode (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), TRUE);
  return self->test_mode;
}

/**
 * kp_terminal_uses_test_cid:
 *
 * Returns: whether sales go to KakaoPay with one of its test CIDs (TC…): no money
 *   moves, as in test mode. #KpTerminal:test-mode is notified when it changes.
 */
gboolean
kp_terminal_uses_test_cid (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), FALSE);
  return !self->test_mode && self->test_cid;
}

const char *
kp_terminal_get_journal_path (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->journal_path;
}

/**
 * kp_terminal_get_callback_base:
 *
 * Returns: (nullable): where KakaoPay sends the customer's browser back to
 */
const char *
kp_terminal_get_callback_base (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->callback_base;
}

/**
 * kp_terminal_get_setup_error:
 *
 * Returns: (nullable): why the terminal cannot take payments, translated
 */
const char *
kp_terminal_get_setup_error (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);
  return self->journal_error != NULL ? self->journal_error : self->setup_error;
}

/**
 * kp_terminal_get_relay_state:
 *
 * Returns: the relay connection's #KpRelayState, or -1 when approvals do not go
 *   through a relay
 */
int
kp_terminal_get_relay_state (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), -1);

  if (self->relay != NULL)
    return kp_relay_client_get_state (self->relay);
  return _kp_terminal_relay_mode (self) ? KP_RELAY_STATE_STOPPED : -1;
}
