/* kp-catalog-command.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int  kp_catalog_command_import (const char *journal_path,
                                const char *csv_path,
                                gboolean    replace);
int  kp_catalog_command_export (const char *journal_path,
                                const char *csv_path);

G_END_DECLS
