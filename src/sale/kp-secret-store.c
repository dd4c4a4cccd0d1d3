/* kp-secret-store.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-secret-store"

#include "config.h"

#include <glib/gi18n.h>
/* Its declarations only: the library is loaded on first use (below). */
#include <libsecret/secret.h>
#include <string.h>

#include "kp-module.h"
#include "kp-secret-store.h"

/* The secrets the shop owner enters in the preferences live in the user's keyring
 * (the Secret Service, or the Secret portal inside Flatpak, both through libsecret),
 * never in GSettings or a file. One item per kind, found by the "kind" attribute.
 * Nothing here logs a secret. */

struct _KpSecretStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (KpSecretStore, kp_secret_store, G_TYPE_OBJECT)

/* libsecret, with libgcrypt behind it, is loaded the first time the keyring is used: a
 * terminal on the sandbox, or one whose secrets are in files, never loads it. */

/* Its soname, ABI 0 since libsecret 0.5. */
#define LIBSECRET_NAME "libsecret-1.so.0"

/* A test hook: KP_SECRET_LIBRARY names another library to load instead, so that a test
 * can make the load fail the way a missing libsecret-1-0 package does
 * (test-secret-store.c). The program itself never sets it. */
#define LIBRARY_VARIABLE "KP_SECRET_LIBRARY"

typedef struct
{
  __typeof__ (secret_password_storev)        *storev;
  __typeof__ (secret_password_store_finish)  *store_finish;
  __typeof__ (secret_password_lookupv)       *lookupv;
  __typeof__ (secret_password_lookup_finish) *lookup_finish;
  __typeof__ (secret_password_clearv)        *clearv;
  __typeof__ (secret_password_clear_finish)  *clear_finish;
  __typeof__ (secret_password_free)          *free;
} Libsecret;

static Libsecret libsecret;

#define SYMBOL(member, name) KP_MODULE_SYMBOL (Libsecret, member, name)
static const KpModuleSymbol symbols[] = {
  SYMBOL (storev, "secret_password_storev"),
  SYMBOL (store_finish, "secret_password_store_finish"),
  SYMBOL (lookupv, "secret_password_lookupv"),
  SYMBOL (lookup_finish, "secret_password_lookup_finish"),
  SYMBOL (clearv, "secret_password_clearv"),
  SYMBOL (clear_finish, "secret_password_clear_finish"),
  SYMBOL (free, "secret_password_free"),
};
#undef SYMBOL

static KpModule module = KP_MODULE_INIT (LIBSECRET_NAME, LIBRARY_VARIABLE, symbols, libsecret);

/* Whether libsecret is loaded; if not, @task is given the reason. */
static gboolean
load_library (GTask *task)
{
  const char *library_name;
  const char *load_error;

  if (kp_module_ensure (&module, &library_name, &load_error))
    return TRUE;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           /* Translators: %s is the library's file name, then the reason */
                           _("The keyring cannot be used: its library, %s, could not be "
                             "loaded: %s. Install it (Debian: libsecret-1-0), or give the "
                             "secrets in files."),
                           library_name, load_error);
  return FALSE;
}

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    SCHEMA_ID, SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

const char *
kp_secret_kind_to_string (KpSecretKind kind)
{
  switch (kind)
    {
    case KP_SECRET_KEY:
      return "secret-key";
    case KP_SECRET_RELAY_TOKEN:
      return "relay-token";
    case KP_SECRET_CID_SECRET:
      return "cid-secret";
    case KP_SECRET_SHOP_DB_PASSWORD:
      return "shop-db-password";
    default:
      g_return_val_if_reached (NULL);
    }
}

static GHashTable *
attributes_for (KpSecretKind kind)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) kp_secret_kind_to_string (kind));
  return attributes;
}

static const char *
label_for (KpSecretKind kind)
{
  switch (kind)
    {
    case KP_SECRET_KEY:
      return _("KakaoPay POS: KakaoPay secret key");
    case KP_SECRET_RELAY_TOKEN:
      return _("KakaoPay POS: relay terminal token");
    case KP_SECRET_CID_SECRET:
      return _("KakaoPay POS: KakaoPay CID secret");
    case KP_SECRET_SHOP_DB_PASSWORD:
      return _("KakaoPay POS: shop database password");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* libsecret's own messages can be technical; the caller says what failed. */
static void
return_error (GTask        *task,
              GError       *error,
              const char   *what)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_new_error (task, error->domain, error->code,
                           "%s %s", what, error->message);
  g_error_free (error);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!libsecret.store_finish (result, &error))
    return_error (task, error, _("The keyring did not store the secret."));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * kp_secret_store_store_async:
 * @secret: the secret; an existing one of the same @kind is replaced
 */
void
kp_secret_store_store_async (KpSecretStore       *self,
                             KpSecretKind         kind,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (KP_IS_SECRET_STORE (self));
  g_return_if_fail (secret != NULL && *secret != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_secret_store_store_async);
  if (!load_library (task))
    return;
  attributes = attributes_for (kind);
  libsecret.storev (get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                    label_for (kind), secret, cancellable, stored_cb,
                    g_steal_pointer (&task));
}

gboolean
kp_secret_store_store_finish (KpSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = libsecret.lookup_finish (result, &error);
  if (error != NULL)
    return_error (task, error, _("The keyring could not be read."));
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) kp_secret_free);
}

void
kp_secret_store_lookup_async (KpSecretStore       *self,
                              KpSecretKind         kind,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (KP_IS_SECRET_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_secret_store_lookup_async);
  if (!load_library (task))
    return;
  attributes = attributes_for (kind);
  libsecret.lookupv (get_schema (), attributes, cancellable, looked_up_cb,
                     g_steal_pointer (&task));
}

/**
 * kp_secret_store_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL when none is stored (with
 *   @error unset) or the keyring failed (with @error set); free it with
 *   kp_secret_free()
 */
char *
kp_secret_store_lookup_finish (KpSecretStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to remove, which is what was wanted. */
  libsecret.clear_finish (result, &error);
  if (error != NULL)
    return_error (task, error, _("The keyring did not remove the secret."));
  else
    g_task_return_boolean (task, TRUE);
}

void
kp_secret_store_clear_async (KpSecretStore       *self,
                             KpSecretKind         kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (KP_IS_SECRET_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_secret_store_clear_async);
  if (!load_library (task))
    return;
  attributes = attributes_for (kind);
  libsecret.clearv (get_schema (), attributes, cancellable, cleared_cb,
                    g_steal_pointer (&task));
}

gboolean
kp_secret_store_clear_finish (KpSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
migrated_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GSettings *settings = g_task_get_task_data (task);
  const char *key = g_object_get_data (G_OBJECT (task), "kp-key");
  GError *error = NULL;

  if (!libsecret.store_finish (result, &error))
    {
      /* The setting stays: the secret is not lost. */
      return_error (task, error, _("The keyring did not store the secret."));
      return;
    }
  g_settings_reset (settings, key);
  g_task_return_boolean (task, TRUE);
}

/**
 * kp_secret_store_migrate_setting_async:
 * @settings: settings where an older version kept a secret
 * @key: the string key that held it
 * @kind: what it is
 *
 * Moves a secret out of @settings into the keyring: when @key is not empty, its value
 * is stored as @kind (replacing one there), and only then is @key reset. Nothing to
 * move is a success.
 */
void
kp_secret_store_migrate_setting_async (KpSecretStore       *self,
                                       GSettings           *settings,
                                       const char          *key,
                                       KpSecretKind         kind,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *value = NULL;

  g_return_if_fail (KP_IS_SECRET_STORE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_secret_store_migrate_setting_async);
  g_task_set_task_data (task, g_object_ref (settings), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "kp-key", g_strdup (key), g_free);

  value = g_settings_get_string (settings, key);
  if (*value == '\0')
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (load_library (task))
    {
      attributes = attributes_for (kind);
      libsecret.storev (get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                        label_for (kind), value, cancellable, migrated_cb,
                        g_steal_pointer (&task));
    }
  explicit_bzero (value, strlen (value));
}

gboolean
kp_secret_store_migrate_setting_finish (KpSecretStore  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kp_secret_free:
 * @secret: (nullable): a secret from kp_secret_store_lookup_finish()
 *
 * Overwrites the secret, then frees it.
 */
void
kp_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  /* A secret from the keyring came through a loaded libsecret, which frees it. */
  if (libsecret.free != NULL)
    {
      libsecret.free (secret);
      return;
    }
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void
kp_secret_store_class_init (KpSecretStoreClass *klass)
{
}

static void
kp_secret_store_init (KpSecretStore *self)
{
}

KpSecretStore *
kp_secret_store_new (void)
{
  return g_object_new (KP_TYPE_SECRET_STORE, NULL);
}
