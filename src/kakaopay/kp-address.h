/* kp-address.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean        kp_address_parse_host_port (const char      *text,
                                            const char      *default_host,
                                            char           **out_host,
                                            guint16         *out_port,
                                            GError         **error);
GSocketAddress *kp_address_new_listen      (const char      *host,
                                            guint16          port,
                                            GError         **error);
char           *kp_address_dup_url         (GSocketAddress  *address);
char           *kp_address_dup_local_url   (GSocketAddress  *address);
int             kp_address_uri_port        (GUri            *uri);

G_END_DECLS
