/* kp-refunder.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-client.h"
#include "kp-journal.h"

G_BEGIN_DECLS

#define KP_TYPE_REFUNDER (kp_refunder_get_type ())
G_DECLARE_FINAL_TYPE (KpRefunder, kp_refunder, KP, REFUNDER, GObject)

KpRefunder    *kp_refunder_new             (KpClient      *client,
                                            KpJournal     *journal);
void           kp_refunder_set_services    (KpRefunder    *self,
                                            KpClient      *client,
                                            const char    *cid_secret);
void           kp_refunder_set_retry       (KpRefunder    *self,
                                            guint          interval_ms);

void           kp_refunder_refund_async    (KpRefunder    *self,
                                            const char    *partner_order_id,
                                            gint64         amount,
                                            gint64         tax_free,
                                            const char    *lines_json,
                                            GCancellable  *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer       user_data);
KpJournalSale *kp_refunder_refund_finish   (KpRefunder    *self,
                                            GAsyncResult  *result,
                                            GError       **error);

void           kp_refunder_recover         (KpRefunder    *self);

char          *kp_refunder_error_message   (const GError  *error);


G_END_DECLS
