/* kp-secret-store.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * KpSecretKind:
 * @KP_SECRET_KEY: the KakaoPay secret key (online) or admin key (legacy)
 * @KP_SECRET_RELAY_TOKEN: this terminal's token on the callback relay
 * @KP_SECRET_CID_SECRET: the cid_secret KakaoPay may issue with the CID
 * @KP_SECRET_SHOP_DB_PASSWORD: the password of the shop database (`shop-db`)
 */
typedef enum
{
  KP_SECRET_KEY,
  KP_SECRET_RELAY_TOKEN,
  KP_SECRET_CID_SECRET,
  KP_SECRET_SHOP_DB_PASSWORD,
} KpSecretKind;

#define KP_TYPE_SECRET_STORE (kp_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (KpSecretStore, kp_secret_store, KP, SECRET_STORE, GObject)

KpSecretStore *kp_secret_store_new           (void);

void           kp_secret_store_store_async   (KpSecretStore        *self,
                                              KpSecretKind          kind,
                                              const char           *secret,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       kp_secret_store_store_finish  (KpSecretStore        *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void           kp_secret_store_lookup_async  (KpSecretStore        *self,
                                              KpSecretKind          kind,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
char          *kp_secret_store_lookup_finish (KpSecretStore        *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void           kp_secret_store_clear_async   (KpSecretStore        *self,
                                              KpSecretKind          kind,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       kp_secret_store_clear_finish  (KpSecretStore        *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void           kp_secret_store_migrate_setting_async  (KpSecretStore        *self,
                                                       GSettings            *settings,
                                                       const char           *key,
                                                       KpSecretKind          kind,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean       kp_secret_store_migrate_setting_finish (KpSecretStore        *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void           kp_secret_free                (char                 *secret);
const char    *kp_secret_kind_to_string      (KpSecretKind          kind);


G_END_DECLS
