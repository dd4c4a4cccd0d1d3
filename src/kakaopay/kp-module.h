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

/* A library loaded on first use, from any thread, once: what to load and where its
 * functions go (KP_MODULE_INIT()), then how that went. */
typedef struct
{
  const char           *soname;
  const char           *variable;
  const KpModuleSymbol *symbols;
  gsize                 n_symbols;
  gpointer              table;
  gsize                 table_size;

  /*< private >*/
  GOnce                 once;
  const char           *library_name;
  char                 *reason;
} KpModule;

/* @symbols: a static array; @table: the static table of function pointers it fills. */
#define KP_MODULE_INIT(soname, variable, symbols, table) \
  { (soname), (variable), (symbols), G_N_ELEMENTS (symbols), &(table), sizeof (table), \
    G_ONCE_INIT, NULL, NULL }

gboolean kp_module_load (const char           *soname,
                         const char           *variable,
                         const KpModuleSymbol *symbols,
                         gsize                 n_symbols,
                         gpointer              table,
                         gsize                 table_size,
                         const char          **library_name,
                         char                **reason);

gboolean kp_module_ensure (KpModule             *module,
                           const char          **library_name,
                           const char          **reason);

G_END_DECLS
