/* kp-shop-client.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-journal.h"
#include "kp-shop-report.h"

G_BEGIN_DECLS

#define KP_TYPE_SHOP_CLIENT (kp_shop_client_get_type ())
G_DECLARE_FINAL_TYPE (KpShopClient, kp_shop_client, KP, SHOP_CLIENT, GObject)

KpShopClient    *kp_shop_client_new               (const char           *conninfo,
                                                   const char           *password);

void             kp_shop_client_search_async      (KpShopClient         *self,
                                                   const KpJournalQuery *query,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray       *kp_shop_client_search_finish     (KpShopClient         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             kp_shop_client_day_report_async  (KpShopClient         *self,
                                                   const GDate          *day,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
KpShopDayReport *kp_shop_client_day_report_finish (KpShopClient         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             kp_shop_client_close_day_async   (KpShopClient         *self,
                                                   const GDate          *day,
                                                   const char           *closed_by,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
KpShopDayReport *kp_shop_client_close_day_finish  (KpShopClient         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
