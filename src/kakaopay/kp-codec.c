/* kp-codec.c: requests to bytes, reply bodies to typed replies
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-codec"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "kp-codec.h"
#include "kp-error.h"

/* Requests */

static void
set_string (JsonObject *params,
            const char *name,
            const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (params, name, value);
}

static void
set_int (JsonObject *params,
         const char *name,
         gint64      value)
{
  if (value != KP_UNSET)
    json_object_set_int_member (params, name, value);
}

JsonObject *
kp_codec_ready_params (const KpReadyRequest *request)
{
  JsonObject *params = json_object_new ();

  set_string (params, "cid", request->cid);
  set_string (params, "cid_secret", request->cid_secret);
  set_string (params, "partner_order_id", request->partner_order_id);
  set_string (params, "partner_user_id", request->partner_user_id);
  set_string (params, "item_name", request->item_name);
  set_string (params, "item_code", request->item_code);
  set_int (params, "quantity", request->quantity);
  set_int (params, "total_amount", request->total_amount);
  set_int (params, "tax_free_amount", request->tax_free_amount);
  set_int (params, "vat_amount", request->vat_amount);
  set_int (params, "green_deposit", request->green_deposit);
  set_string (params, "approval_url", request->approval_url);
  set_string (params, "cancel_url", request->cancel_url);
  set_string (params, "fail_url", request->fail_url);
  if (request->available_cards != NULL)
    {
      JsonArray *cards = json_array_new ();

      for (guint i = 0; request->available_cards[i] != NULL; i++)
        json_array_add_string_element (cards, request->available_cards[i]);
      json_object_set_array_member (params, "available_cards", cards);
    }
  set_string (params, "payment_method_type", request->payment_method_type);
  set_int (params, "install_month", request->install_month);
  set_string (params, "use_share_installment", request->use_share_installment);
  if (request->custom_json != NULL)
    {
      JsonObject *custom = json_object_new ();
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, request->custom_json);
      while (g_hash_table_iter_next (&iter, &key, &value))
        json_object_set_string_member (custom, key, value);
      json_object_set_object_member (params, "custom_json", custom);
    }
  return params;
}

JsonObject *
kp_codec_approve_params (const KpApproveRequest *request)
{
  JsonObject *params = json_object_new ();

  set_string (params, "cid", request->cid);
  set_string (params, "cid_secret", request->cid_secret);
  set_string (params, "tid", request->tid);
  set_string (params, "partner_order_id", request->partner_order_id);
  set_string (params, "partner_user_id", request->partner_user_id);
  set_string (params, "pg_token", request->pg_token);
  set_string (params, "payload", request->payload);
  set_int (params, "total_amount", request->total_amount);
  return params;
}

JsonObject *
kp_codec_order_params (const KpOrderRequest *request)
{
  JsonObject *params = json_object_new ();

  set_string (params, "cid", request->cid);
  set_string (params, "cid_secret", request->cid_secret);
  set_string (params, "tid", request->tid);
  return params;
}

JsonObject *
kp_codec_cancel_params (const KpCancelRequest *request)
{
  JsonObject *params = json_object_new ();

  set_string (params, "cid", request->cid);
  set_string (params, "cid_secret", request->cid_secret);
  set_string (params, "tid", request->tid);
  set_int (params, "cancel_amount", request->cancel_amount);
  set_int (params, "cancel_tax_free_amount", request->cancel_tax_free_amount);
  set_int (params, "cancel_vat_amount", request->cancel_vat_amount);
  set_int (params, "cancel_available_amount", request->cancel_available_amount);
  set_string (params, "payload", request->payload);
  return params;
}

static char *
node_to_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/**
 * kp_codec_encode:
 *
 * The online dialect sends @params as a JSON object; the legacy dialect as an
 * application/x-www-form-urlencoded body in UTF-8, where arrays and objects
 * (available_cards, custom_json) travel as their JSON text.
 */
GBytes *
kp_codec_encode (KpDialect    dialect,
                 JsonObject  *params,
                 const char **out_content_type)
{
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  char *text;

  if (dialect == KP_DIALECT_ONLINE)
    {
      root = json_node_init_object (json_node_alloc (), params);
      text = node_to_json (root);
      *out_content_type = "application/json";
      return g_bytes_new_take (text, strlen (text));
    }

  form = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  json_object_iter_init (&iter, params);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_hash_table_insert (form, (char *) name, g_strdup (json_node_get_string (node)));
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        g_hash_table_insert (form, (char *) name,
                             g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node)));
      else
        g_hash_table_insert (form, (char *) name, node_to_json (node));
    }
  text = soup_form_encode_hash (form);
  *out_content_type = "application/x-www-form-urlencoded;charset=utf-8";
  return g_bytes_new_take (text, strlen (text));
}

/* Replies */

/* Lenient readers: a missing member, null or the wrong type reads as absent; numbers
 * may come as JSON numbers or numeric strings (kakaopay-api.md §1). */

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
dup_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return json_node_dup_string (node);
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default:
      return NULL;
    }
}

static gboolean
read_int (JsonObject *object,
          const char *name,
          gint64     *out_value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out_value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      {
        double value = json_node_get_double (node);

        /* Converting a double outside gint64's range (1e999 is inf) is undefined: such
         * a number reads as absent. NaN fails both comparisons. */
        if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0))
          return FALSE;
        *out_value = (gint64) value;
        return TRUE;
      }
    case G_TYPE_STRING:
      {
        g_autofree char *text = g_strstrip (json_node_dup_string (node));

        return *text != '\0' &&
               g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out_value, NULL);
      }
    default:
      return FALSE;
    }
}

static gint64
get_int (JsonObject *object,
         const char *name)
{
  gint64 value = 0;

  return read_int (object, name, &value) ? value : 0;
}

static void
read_optional_int (JsonObject    *object,
                   const char    *name,
                   KpOptionalInt *out_number)
{
  gint64 value = 0;

  out_number->present = read_int (object, name, &value);
  out_number->value = out_number->present ? value : 0;
}

static gboolean
get_bool (JsonObject *object,
          const char *name,
          gboolean   *out_present)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  const char *text;

  *out_present = FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  *out_present = TRUE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_STRING:
      text = json_node_get_string (node);
      return g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "Y");
    case G_TYPE_INT64:
      return json_node_get_int (node) != 0;
    default:
      *out_present = FALSE;
      return FALSE;
    }
}

static GDateTime *
get_datetime (JsonObject *object,
              const char *name)
{
  return kp_datetime_parse (get_string (object, name));
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
read_amount (JsonObject *object,
             const char *name,
             KpAmount   *amount)
{
  JsonObject *member = get_object (object, name);

  amount->present = read_int (member, "total", &amount->total);
  amount->total = get_int (member, "total");
  amount->tax_free = get_int (member, "tax_free");
  amount->vat = get_int (member, "vat");
  amount->point = get_int (member, "point");
  amount->discount = get_int (member, "discount");
  amount->green_deposit = get_int (member, "green_deposit");
}

/**
 * kp_codec_parse_error:
 *
 * Reads an error reply in either dialect's shape: `{"code", "msg"}` (legacy) or
 * `{"error_code", "error_message"}` (online), both with optional `extras`.
 *
 * Returns: %TRUE when @object is an error reply
 */
gboolean
kp_codec_parse_error (JsonObject  *object,
                      int         *out_code,
                      char       **out_message,
                      char       **out_method_result_code,
                      char       **out_method_result_message)
{
  gint64 code = 0;
  JsonObject *extras;

  if (read_int (object, "error_code", &code))
    *out_message = dup_string (object, "error_message");
  else if (read_int (object, "code", &code))
    *out_message = dup_string (object, "msg");
  else
    return FALSE;

  if (code >= 0 || code < G_MININT)
    {
      g_clear_pointer (out_message, g_free);
      return FALSE;
    }

  extras = get_object (object, "extras");
  *out_code = (int) code;
  *out_method_result_code = dup_string (extras, "method_result_code");
  *out_method_result_message = dup_string (extras, "method_result_message");
  return TRUE;
}

static gboolean
require (JsonObject  *object,
         const char  *name,
         GError     **error)
{
  const char *value = get_string (object, name);

  if (value != NULL && *value != '\0')
    return TRUE;

  g_set_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY,
               /* Translators: %s is a field name in KakaoPay's reply */
               _("KakaoPay’s reply has no %s."), name);
  return FALSE;
}

KpReadyReply *
kp_codec_ready_reply (JsonObject  *object,
                      GError     **error)
{
  g_autoptr (KpReadyReply) reply = NULL;

  if (!require (object, "tid", error))
    return NULL;

  reply = g_new0 (KpReadyReply, 1);
  reply->tid = dup_string (object, "tid");
  reply->next_redirect_app_url = dup_string (object, "next_redirect_app_url");
  reply->next_redirect_mobile_url = dup_string (object, "next_redirect_mobile_url");
  reply->next_redirect_pc_url = dup_string (object, "next_redirect_pc_url");
  reply->android_app_scheme = dup_string (object, "android_app_scheme");
  reply->ios_app_scheme = dup_string (object, "ios_app_scheme");
  reply->created_at = get_datetime (object, "created_at");
  reply->tms_result = get_bool (object, "tms_result", &reply->has_tms_result);

  if (reply->next_redirect_pc_url == NULL && reply->next_redirect_mobile_url == NULL)
    {
      g_set_error_literal (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY,
                           _("KakaoPay’s reply has no payment page address."));
      return NULL;
    }

  return g_steal_pointer (&reply);
}

static KpCardInfo *
read_card_info (JsonObject *object)
{
  KpCardInfo *info;

  if (object == NULL)
    return NULL;

  info = g_new0 (KpCardInfo, 1);
  info->kakaopay_purchase_corp = dup_string (object, "kakaopay_purchase_corp");
  info->kakaopay_purchase_corp_code = dup_string (object, "kakaopay_purchase_corp_code");
  info->kakaopay_issuer_corp = dup_string (object, "kakaopay_issuer_corp");
  info->kakaopay_issuer_corp_code = dup_string (object, "kakaopay_issuer_corp_code");
  info->purchase_corp = dup_string (object, "purchase_corp");
  info->purchase_corp_code = dup_string (object, "purchase_corp_code");
  info->issuer_corp = dup_string (object, "issuer_corp");
  info->issuer_corp_code = dup_string (object, "issuer_corp_code");
  info->bin = dup_string (object, "bin");
  info->card_type = dup_string (object, "card_type");
  info->install_month = dup_string (object, "install_month");
  info->approved_id = dup_string (object, "approved_id");
  info->card_mid = dup_string (object, "card_mid");
  info->interest_free_install = dup_string (object, "interest_free_install");
  info->installment_type = dup_string (object, "installment_type");
  info->card_item_code = dup_string (object, "card_item_code");
  return info;
}

KpApproveReply *
kp_codec_approve_reply (JsonObject  *object,
                        GError     **error)
{
  KpApproveReply *reply;

  if (!require (object, "aid", error) || !require (object, "tid", error))
    return NULL;

  reply = g_new0 (KpApproveReply, 1);
  reply->aid = dup_string (object, "aid");
  reply->tid = dup_string (object, "tid");
  reply->cid = dup_string (object, "cid");
  reply->sid = dup_string (object, "sid");
  reply->partner_order_id = dup_string (object, "partner_order_id");
  reply->partner_user_id = dup_string (object, "partner_user_id");
  reply->payment_method_type = dup_string (object, "payment_method_type");
  read_amount (object, "amount", &reply->amount);
  reply->card_info = read_card_info (get_object (object, "card_info"));
  reply->item_name = dup_string (object, "item_name");
  reply->item_code = dup_string (object, "item_code");
  reply->quantity = get_int (object, "quantity");
  reply->created_at = get_datetime (object, "created_at");
  reply->approved_at = get_datetime (object, "approved_at");
  reply->payload = dup_string (object, "payload");
  return reply;
}

static KpSelectedCardInfo *
read_selected_card_info (JsonObject *object)
{
  KpSelectedCardInfo *info;

  if (object == NULL)
    return NULL;

  info = g_new0 (KpSelectedCardInfo, 1);
  info->card_bin = dup_string (object, "card_bin");
  info->install_month = (int) get_int (object, "install_month");
  info->installment_type = dup_string (object, "installment_type");
  info->card_corp_name = dup_string (object, "card_corp_name");
  info->interest_free_install = dup_string (object, "interest_free_install");
  return info;
}

static GPtrArray *
read_actions (JsonObject *object)
{
  GPtrArray *actions = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_payment_action_free);
  JsonNode *node = json_object_get_member (object, "payment_action_details");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return actions;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry;
      KpPaymentAction *action;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      entry = json_node_get_object (element);
      action = g_new0 (KpPaymentAction, 1);
      action->aid = dup_string (entry, "aid");
      action->approved_at = get_datetime (entry, "approved_at");
      /* Real entries may lack any of these (kakaopay-api.md §6): absent, not 0. */
      read_optional_int (entry, "amount", &action->amount);
      read_optional_int (entry, "point_amount", &action->point_amount);
      read_optional_int (entry, "discount_amount", &action->discount_amount);
      read_optional_int (entry, "green_deposit", &action->green_deposit);
      action->payment_action_type = dup_string (entry, "payment_action_type");
      action->payment_method_type = dup_string (entry, "payment_method_type");
      action->payload = dup_string (entry, "payload");
      g_ptr_array_add (actions, action);
    }
  return actions;
}

KpOrderReply *
kp_codec_order_reply (JsonObject  *object,
                      GError     **error)
{
  KpOrderReply *reply;

  if (!require (object, "tid", error) || !require (object, "status", error))
    return NULL;

  reply = g_new0 (KpOrderReply, 1);
  reply->tid = dup_string (object, "tid");
  reply->cid = dup_string (object, "cid");
  reply->status_string = dup_string (object, "status");
  reply->status = kp_status_from_string (reply->status_string);
  reply->partner_order_id = dup_string (object, "partner_order_id");
  reply->partner_user_id = dup_string (object, "partner_user_id");
  reply->payment_method_type = dup_string (object, "payment_method_type");
  read_amount (object, "amount", &reply->amount);
  read_amount (object, "canceled_amount", &reply->canceled_amount);
  read_amount (object, "cancel_available_amount", &reply->cancel_available_amount);
  reply->item_name = dup_string (object, "item_name");
  reply->item_code = dup_string (object, "item_code");
  reply->quantity = get_int (object, "quantity");
  reply->created_at = get_datetime (object, "created_at");
  reply->approved_at = get_datetime (object, "approved_at");
  reply->canceled_at = get_datetime (object, "canceled_at");
  reply->selected_card_info = read_selected_card_info (get_object (object, "selected_card_info"));
  reply->payment_action_details = read_actions (object);
  return reply;
}

KpCancelReply *
kp_codec_cancel_reply (JsonObject  *object,
                       GError     **error)
{
  KpCancelReply *reply;

  if (!require (object, "tid", error) || !require (object, "status", error))
    return NULL;

  reply = g_new0 (KpCancelReply, 1);
  reply->aid = dup_string (object, "aid");
  reply->tid = dup_string (object, "tid");
  reply->cid = dup_string (object, "cid");
  reply->status_string = dup_string (object, "status");
  reply->status = kp_status_from_string (reply->status_string);
  reply->partner_order_id = dup_string (object, "partner_order_id");
  reply->partner_user_id = dup_string (object, "partner_user_id");
  reply->payment_method_type = dup_string (object, "payment_method_type");
  read_amount (object, "amount", &reply->amount);
  read_amount (object, "approved_cancel_amount", &reply->approved_cancel_amount);
  read_amount (object, "canceled_amount", &reply->canceled_amount);
  read_amount (object, "cancel_available_amount", &reply->cancel_available_amount);
  reply->item_name = dup_string (object, "item_name");
  reply->item_code = dup_string (object, "item_code");
  reply->quantity = get_int (object, "quantity");
  reply->created_at = get_datetime (object, "created_at");
  reply->approved_at = get_datetime (object, "approved_at");
  reply->canceled_at = get_datetime (object, "canceled_at");
  reply->payload = dup_string (object, "payload");
  return reply;
}
