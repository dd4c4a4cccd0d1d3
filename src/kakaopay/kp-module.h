/* kp-module.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One function of a library loaded on first use: its name, and where its address
 * goes in the caller's table of function pointers. */
typedef struct
{
  const char *name;
  gsize       offset;
} KpModuleSymbol;

#define KP_MODULE_SYMBOL(Table, member, symbol) { symbol, G_STRUCT_OFFSET (Table, member) }

gboolean kp_module_load (const char           *soname,
                         const char           *variable,
                         const KpModuleSymbol *symbols,
                         gsize                 n_symbols,
                         gpointer              table,
                         gsize                 table_size,
                         const char          **library_name,
                         char                **reason);

G_END_DECLS
