/* kp-status-poller.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-client.h"

G_BEGIN_DECLS

#define KP_STATUS_POLLER_DEFAULT_INTERVAL 2000

#define KP_TYPE_STATUS_POLLER (kp_status_poller_get_type ())
G_DECLARE_FINAL_TYPE (KpStatusPoller, kp_status_poller, KP, STATUS_POLLER, GObject)

KpStatusPoller *kp_status_poller_new          (KpClient       *client,
                                               const char     *cid,
                                               const char     *tid,
                                               guint           interval_ms);
void            kp_status_poller_start        (KpStatusPoller *self);
void            kp_status_poller_stop         (KpStatusPoller *self);
gboolean        kp_status_poller_is_running   (KpStatusPoller *self);
KpStatus        kp_status_poller_get_status   (KpStatusPoller *self);
guint           kp_status_poller_get_n_polls  (KpStatusPoller *self);

G_END_DECLS
