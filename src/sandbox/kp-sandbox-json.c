/* kp-sandbox-json.c: writing the sandbox's JSON
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The members of the API's replies and of the request log: strings, numbers, KST
 * times, amounts, the members that do not apply (left out or null, by dialect), and
 * the error body in each dialect's shape.
 */

#define G_LOG_DOMAIN "kp-sandbox"

#include "config.h"

#include "kp-sandbox-private.h"

void
_kp_sandbox_add_string (JsonBuilder *builder,
                        const char  *name,
                        const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
_kp_sandbox_add_int (JsonBuilder *builder,
                     const char  *name,
                     gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
_kp_sandbox_add_datetime (JsonBuilder *builder,
                          const char  *name,
                          GDateTime   *value)
{
  g_autofree char *text = value != NULL ? kp_datetime_format (value) : NULL;

  _kp_sandbox_add_string (builder, name, text);
}

/* An optional member that does not apply. The legacy dialect leaves it out, as a real
 * 2023 legacy order reply does (kakaopay-api.md §6, S14); the online dialect sends null,
 * as a real 2024 open-api approve reply does for sid, item_code, payload and
 * sequential_payment_methods (3P). That order and cancel send null too is INF. */
void
_kp_sandbox_add_absent (JsonBuilder *builder,
                        KpDialect    dialect,
                        const char  *name)
{
  if (dialect != KP_DIALECT_ONLINE)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_null_value (builder);
}

void
_kp_sandbox_add_optional_string (JsonBuilder *builder,
                                 KpDialect    dialect,
                                 const char  *name,
                                 const char  *value)
{
  if (value != NULL)
    _kp_sandbox_add_string (builder, name, value);
  else
    _kp_sandbox_add_absent (builder, dialect, name);
}

void
_kp_sandbox_add_optional_datetime (JsonBuilder *builder,
                                   KpDialect    dialect,
                                   const char  *name,
                                   GDateTime   *value)
{
  g_autofree char *text = value != NULL ? kp_datetime_format (value) : NULL;

  _kp_sandbox_add_optional_string (builder, dialect, name, text);
}

void
_kp_sandbox_add_optional_int (JsonBuilder         *builder,
                              KpDialect            dialect,
                              const char          *name,
                              const KpOptionalInt *value)
{
  gint64 number;

  if (kp_optional_int_get (value, &number))
    _kp_sandbox_add_int (builder, name, number);
  else
    _kp_sandbox_add_absent (builder, dialect, name);
}

void
_kp_sandbox_add_amount (JsonBuilder    *builder,
                        const char     *name,
                        const KpAmount *amount)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  _kp_sandbox_add_int (builder, "total", amount->total);
  _kp_sandbox_add_int (builder, "tax_free", amount->tax_free);
  _kp_sandbox_add_int (builder, "vat", amount->vat);
  _kp_sandbox_add_int (builder, "point", amount->point);
  _kp_sandbox_add_int (builder, "discount", amount->discount);
  _kp_sandbox_add_int (builder, "green_deposit", amount->green_deposit);
  json_builder_end_object (builder);
}

char *
_kp_sandbox_builder_to_string (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* The error body in the dialect's shape (kakaopay-api.md §9). */
char *
_kp_sandbox_error_body (KpDialect   dialect,
                        int         code,
                        const char *message,
                        const char *method_result_code,
                        const char *method_result_message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  gboolean online = dialect == KP_DIALECT_ONLINE;

  json_builder_begin_object (builder);
  _kp_sandbox_add_int (builder, online ? "error_code" : "code", code);
  _kp_sandbox_add_string (builder, online ? "error_message" : "msg", message);
  if (method_result_code != NULL)
    {
      json_builder_set_member_name (builder, "extras");
      json_builder_begin_object (builder);
      _kp_sandbox_add_string (builder, "method_result_code", method_result_code);
      _kp_sandbox_add_string (builder, "method_result_message", method_result_message);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  return _kp_sandbox_builder_to_string (builder);
}
