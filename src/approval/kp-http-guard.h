/* kp-http-guard.h: the socket side of a public SoupServer, with strict limits
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _KpHttpGuard KpHttpGuard;

KpHttpGuard *kp_http_guard_new                (SoupServer        *server,
                                               guint              max_connections,
                                               guint              timeout_seconds);
void         kp_http_guard_free               (KpHttpGuard       *guard);
void         kp_http_guard_set_head_timeout   (KpHttpGuard       *guard,
                                               guint              seconds);
guint        kp_http_guard_get_n_refused      (KpHttpGuard       *guard);
guint        kp_http_guard_get_n_open         (KpHttpGuard       *guard);
void         kp_http_guard_release            (KpHttpGuard       *guard,
                                               SoupServerMessage *msg);
gboolean     kp_http_guard_listen             (KpHttpGuard       *guard,
                                               const char        *host,
                                               guint16            port,
                                               int                backlog,
                                               GError           **error);
char        *kp_http_guard_dup_url            (KpHttpGuard       *guard);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpHttpGuard, kp_http_guard_free)

G_END_DECLS
