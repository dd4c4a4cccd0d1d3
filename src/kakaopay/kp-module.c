/* kp-module.c: a library loaded on first use
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-module"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>
#include <string.h>

#include "kp-module.h"

/**
 * kp_module_load:
 * @soname: the library's file name, as the dynamic linker finds it
 * @variable: (nullable): an environment variable that names another library to load
 *   instead; a test hook, so that a test can make the load fail the way a missing
 *   package does
 * @symbols: (array length=n_symbols): the functions to take
 * @n_symbols: their number
 * @table: the caller's table of function pointers, filled at the symbols' offsets
 * @table_size: its size in bytes
 * @library_name: (out): the name of the library tried (interned)
 * @reason: (out) (optional): why it could not be loaded, translated; free it
 *
 * Loads a library and takes all of @symbols, or none: on failure @table is zeroed
 * and the library closed. A library loaded is kept for good: the caller's functions
 * and what they returned outlive any one call. Call it once: kp_module_ensure() does.
 *
 * Returns: whether all of @symbols are in @table
 */
gboolean
kp_module_load (const char           *soname,
                const char           *variable,
                const KpModuleSymbol *symbols,
                gsize                 n_symbols,
                gpointer              table,
                gsize                 table_size,
                const char          **library_name,
                char                **reason)
{
  g_autoptr (GString) missing = g_string_new (NULL);
  const char *name = variable != NULL ? g_getenv (variable) : NULL;
  GModule *module;

  g_return_val_if_fail (soname != NULL, FALSE);
  g_return_val_if_fail (symbols != NULL || n_symbols == 0, FALSE);
  g_return_val_if_fail (table != NULL && library_name != NULL, FALSE);

  name = name != NULL && *name != '\0' ? g_intern_string (name) : g_intern_string (soname);
  *library_name = name;

  module = g_module_open (name, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      if (reason != NULL)
        *reason = g_strdup (g_module_error ());
      return FALSE;
    }

  for (gsize i = 0; i < n_symbols; i++)
    {
      gpointer address = NULL;

      g_assert (symbols[i].offset + sizeof (gpointer) <= table_size);
      if (g_module_symbol (module, symbols[i].name, &address) && address != NULL)
        {
          memcpy ((char *) table + symbols[i].offset, &address, sizeof address);
          continue;
        }
      if (missing->len > 0)
        g_string_append (missing, ", ");
      g_string_append (missing, symbols[i].name);
    }

  if (missing->len > 0)
    {
      memset (table, 0, table_size);
      g_module_close (module);
      if (reason != NULL)
        /* Translators: %s lists function names */
        *reason = g_strdup_printf (_("it lacks %s"), missing->str);
      return FALSE;
    }

  g_module_make_resident (module);
  return TRUE;
}

static gpointer
load_cb (gpointer data)
{
  KpModule *module = data;

  return GINT_TO_POINTER (kp_module_load (module->soname, module->variable,
                                          module->symbols, module->n_symbols,
                                          module->table, module->table_size,
                                          &module->library_name, &module->reason));
}

/**
 * kp_module_ensure:
 * @module: the library and its table (KP_MODULE_INIT())
 * @library_name: (out) (optional): the name of the library tried, for a message
 * @reason: (out) (optional) (transfer none): why it could not be loaded, translated
 *
 * Loads @module the first time; from any thread. Later calls give the first one's
 * outcome: each caller says in its own words what needed the library.
 *
 * Returns: whether the library's functions are in @module's table
 */
gboolean
kp_module_ensure (KpModule    *module,
                  const char **library_name,
                  const char **reason)
{
  gboolean loaded = GPOINTER_TO_INT (g_once (&module->once, load_cb, module));

  if (library_name != NULL)
    *library_name = module->library_name;
  if (reason != NULL)
    *reason = module->reason;
  return loaded;
}
