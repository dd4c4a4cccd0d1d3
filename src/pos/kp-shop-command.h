/* kp-shop-command.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-secret-store.h"

G_BEGIN_DECLS

gboolean kp_shop_command_split (const char     *conninfo,
                                char          **out_conninfo,
                                char          **out_password);
int      kp_shop_command_init  (KpSecretStore  *secrets,
                                const char     *conninfo,
                                const char     *password);

G_END_DECLS
