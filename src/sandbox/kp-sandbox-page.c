/* kp-sandbox-page.c: the customer's payment page
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the customer's browser opens from ready's next_redirect_*_url: the URLs of the
 * page in each dialect's shape (kakaopay-api.md §2), their matching back to a payment,
 * the page's HTML filled in from the kp-sandbox-page.html template, and its form,
 * whose buttons act for the customer (kp-sandbox-payment.c) and redirect the browser
 * as KakaoPay does.
 */

#define G_LOG_DOMAIN "kp-sandbox"

#include "config.h"

#include <string.h>

#include "kp-money.h"
#include "kp-sandbox-private.h"
#include "kp-sandbox-resources.h"

#define PAGE_RESOURCE      "/io/github/kppos/KakaoPayPos/sandbox/kp-sandbox-page.html"
#define LEGACY_PAGE_PREFIX "/mockup/v1/"

static const char * const page_prefixes[] = {
  "/mockup/bridge/pc/pg/one-time/payment/",
  "/mockup/bridge/mobile-web/pg/one-time/payment/",
  "/mockup/bridge/mobile-app/pg/one-time/payment/",
  "/pay/mockup/",
};

static const char * const legacy_page_suffixes[] = { "info", "mInfo", "aInfo", "order" };

/* URLs */

static char *
build_base_url (KpSandbox *self)
{
  if (self->public_url != NULL)
    return g_strdup (self->public_url);
  if (self->base_url != NULL)
    return g_strdup (self->base_url);

  /* Not listening: requests come through kp_sandbox_handle () in this process. */
  return g_strdup ("http://127.0.0.1");
}

/* The page URLs mimic the real sandbox's (kakaopay-api.md §2, 3P); every one of them
 * serves the same customer page. */
void
_kp_sandbox_page_urls (KpSandbox         *self,
                       KpSandboxPayment  *payment,
                       char             **out_pc_url,
                       char             **out_mobile_url,
                       char             **out_app_url,
                       char             **out_app_scheme)
{
  g_autofree char *base = build_base_url (self);
  const char *key = payment->page_key;

  if (payment->dialect == KP_DIALECT_ONLINE)
    {
      *out_pc_url = g_strdup_printf ("%s%s%s", base, page_prefixes[0], key);
      *out_mobile_url = g_strdup_printf ("%s%s%s", base, page_prefixes[1], key);
      *out_app_url = g_strdup_printf ("%s%s%s", base, page_prefixes[2], key);
      *out_app_scheme = g_strdup_printf ("kakaotalk://kakaopay/pg?url=%s/pay/mockup/%s",
                                         base, key);
    }
  else
    {
      /* The legacy sample's https://mockup-pg-web.kakao.com/v1/{id}/info shape (S7, S10)
       * on our own host, under /mockup so that it stays clear of /v1/payment/. */
      *out_pc_url = g_strdup_printf ("%s%s%s/info", base, LEGACY_PAGE_PREFIX, key);
      *out_mobile_url = g_strdup_printf ("%s%s%s/mInfo", base, LEGACY_PAGE_PREFIX, key);
      *out_app_url = g_strdup_printf ("%s%s%s/aInfo", base, LEGACY_PAGE_PREFIX, key);
      *out_app_scheme = g_strdup_printf ("kakaotalk://kakaopay/pg?url=%s%s%s/order",
                                         base, LEGACY_PAGE_PREFIX, key);
    }
}

static char *
match_page_key (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_prefixes); i++)
    {
      if (g_str_has_prefix (path, page_prefixes[i]))
        {
          const char *key = path + strlen (page_prefixes[i]);

          return *key != '\0' && strchr (key, '/') == NULL ? g_strdup (key) : NULL;
        }
    }

  if (g_str_has_prefix (path, LEGACY_PAGE_PREFIX))
    {
      const char *key = path + strlen (LEGACY_PAGE_PREFIX);
      const char *slash = strchr (key, '/');

      if (slash == NULL || slash == key)
        return NULL;
      for (guint i = 0; i < G_N_ELEMENTS (legacy_page_suffixes); i++)
        if (g_str_equal (slash + 1, legacy_page_suffixes[i]))
          return g_strndup (key, slash - key);
    }

  return NULL;
}

/* The template */

static void
template_keep_section (GString    *text,
                       const char *name,
                       gboolean    keep)
{
  g_autofree char *begin = g_strdup_printf ("<!--IF:%s-->", name);
  g_autofree char *end = g_strdup_printf ("<!--END:%s-->", name);
  char *start;
  char *stop;

  while ((start = strstr (text->str, begin)) != NULL &&
         (stop = strstr (start, end)) != NULL)
    {
      gssize start_pos = start - text->str;
      gssize stop_pos = stop - text->str;

      if (keep)
        {
          g_string_erase (text, stop_pos, strlen (end));
          g_string_erase (text, start_pos, strlen (begin));
        }
      else
        g_string_erase (text, start_pos, stop_pos + strlen (end) - start_pos);
    }
}

/* Replaces each {{name}} by its HTML-escaped value. */
static char *
template_fill (const char *text,
               GHashTable *values)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  const char *open;

  while ((open = strstr (p, "{{")) != NULL)
    {
      const char *close = strstr (open, "}}");
      g_autofree char *name = NULL;
      const char *value;

      if (close == NULL)
        break;

      g_string_append_len (out, p, open - p);
      name = g_strndup (open + 2, close - open - 2);
      value = g_hash_table_lookup (values, name);
      if (value == NULL)
        g_warning ("The customer page has no value for %s", name);
      else
        {
          g_autofree char *escaped = g_markup_escape_text (value, -1);

          g_string_append (out, escaped);
        }
      p = close + 2;
    }
  g_string_append (out, p);

  return g_string_free (out, FALSE);
}

/* The page */

static void
page_messages (KpSandboxPayment  *payment,
               const char       **message_ko,
               const char       **message_en,
               const char       **result_class)
{
  *result_class = "bad";

  if (payment == NULL)
    {
      *message_ko = "결제 정보를 찾을 수 없습니다.";
      *message_en = "This payment does not exist.";
      return;
    }

  switch (payment->status)
    {
    case KP_STATUS_AUTH_PASSWORD:
      *message_ko = "결제 인증이 완료되었습니다. 가맹점의 승인을 기다리고 있습니다.";
      *message_en = "Payment authorised. Waiting for the shop to complete it.";
      *result_class = "ok";
      break;
    case KP_STATUS_SUCCESS_PAYMENT:
      *message_ko = "결제가 완료되었습니다.";
      *message_en = "Payment complete.";
      *result_class = "ok";
      break;
    case KP_STATUS_PART_CANCEL_PAYMENT:
      *message_ko = "결제가 완료되었습니다. 일부 금액이 취소되었습니다.";
      *message_en = "Payment complete. Part of it was refunded.";
      *result_class = "ok";
      break;
    case KP_STATUS_CANCEL_PAYMENT:
      *message_ko = "결제가 취소되었습니다.";
      *message_en = "This payment was refunded.";
      break;
    case KP_STATUS_QUIT_PAYMENT:
      *message_ko = payment->expired ? "결제 시간이 만료되었습니다." : "결제를 취소했습니다.";
      *message_en = payment->expired ? "This payment expired." : "You cancelled this payment.";
      break;
    case KP_STATUS_FAIL_AUTH_PASSWORD:
      *message_ko = "비밀번호 인증에 실패했습니다.";
      *message_en = "Password authentication failed.";
      break;
    case KP_STATUS_FAIL_PAYMENT:
    default:
      *message_ko = "결제에 실패했습니다.";
      *message_en = "The payment failed.";
      break;
    }
}

/* The attributes of a method's radio button: the one in use is checked; when ready
 * allowed one method only, the other is disabled. */
static char *
method_attrs (KpSandboxPayment *payment,
              const char       *shown,
              const char       *method)
{
  return g_strdup (g_str_equal (shown, method) ? " checked"
                   : payment->allowed_method != NULL ? " disabled" : "");
}

static char *
render_page (KpSandboxPayment *payment,
             const char       *action)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *template_text = NULL;
  g_autoptr (GString) text = NULL;
  gboolean open = payment != NULL && _kp_sandbox_status_is_before_auth (payment->status);
  gboolean show_continue = payment != NULL && payment->status == KP_STATUS_AUTH_PASSWORD;
  const char *message_ko, *message_en, *result_class;

  bytes = g_resource_lookup_data (kp_sandbox_page_get_resource (), PAGE_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  template_text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  text = g_string_new (template_text);

  template_keep_section (text, "details", payment != NULL);
  template_keep_section (text, "form", open);
  template_keep_section (text, "done", !open);
  template_keep_section (text, "continue", show_continue);

  page_messages (payment, &message_ko, &message_en, &result_class);
  g_hash_table_insert (values, (char *) "message_ko", g_strdup (message_ko));
  g_hash_table_insert (values, (char *) "message_en", g_strdup (message_en));
  g_hash_table_insert (values, (char *) "result_class", g_strdup (result_class));
  g_hash_table_insert (values, (char *) "action", g_strdup (action));

  if (payment != NULL)
    {
      g_autofree char *amount = kp_money_format_plain (payment->amount.total);
      const char *method = payment->method;

      if (payment->allowed_method != NULL)
        method = payment->allowed_method;
      else if (method == NULL)
        method = "MONEY";

      g_hash_table_insert (values, (char *) "item_name", g_strdup (payment->item_name));
      g_hash_table_insert (values, (char *) "quantity",
                           g_strdup_printf ("%" G_GINT64_FORMAT, payment->quantity));
      g_hash_table_insert (values, (char *) "amount_ko", g_strdup_printf ("%s원", amount));
      g_hash_table_insert (values, (char *) "amount_en", g_strdup_printf ("₩%s", amount));
      g_hash_table_insert (values, (char *) "cid", g_strdup (payment->cid));
      g_hash_table_insert (values, (char *) "money_attrs", method_attrs (payment, method,
                                                                         "MONEY"));
      g_hash_table_insert (values, (char *) "card_attrs", method_attrs (payment, method, "CARD"));
      if (show_continue)
        g_hash_table_insert (values, (char *) "continue_url",
                             _kp_sandbox_payment_dup_approval_redirect (payment));
    }

  return template_fill (text->str, values);
}

static KpSandboxReply *
page_reply (guint  status,
            char  *html)
{
  KpSandboxReply *reply = _kp_sandbox_reply_new (status, KP_SANDBOX_HTML_CONTENT_TYPE, html);

  soup_message_headers_replace (reply->headers, "Cache-Control", "no-store");
  return reply;
}

/* The form's buttons: act for the customer, then send the browser on. */
static KpSandboxReply *
page_post (KpSandbox        *self,
           KpSandboxPayment *payment,
           const char       *path,
           GBytes           *body)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  g_autofree char *text = g_strndup (data != NULL ? data : "", size);
  g_autoptr (GHashTable) form = soup_form_decode (text);
  const char *action_name = g_hash_table_lookup (form, "action");
  const char *chosen = g_hash_table_lookup (form, "method");
  g_autoptr (GError) error = NULL;
  g_autofree char *location = NULL;
  KpSandboxReply *reply;
  KpSandboxAction action;

  if (g_strcmp0 (action_name, "pay") == 0)
    action = KP_SANDBOX_ACTION_PAY;
  else if (g_strcmp0 (action_name, "cancel") == 0)
    action = KP_SANDBOX_ACTION_CANCEL;
  else if (g_strcmp0 (action_name, "fail") == 0)
    action = KP_SANDBOX_ACTION_FAIL;
  else if (g_strcmp0 (action_name, "select") == 0)
    action = KP_SANDBOX_ACTION_SELECT_METHOD;
  else if (g_strcmp0 (action_name, "tms") == 0)
    action = KP_SANDBOX_ACTION_SEND_TMS;
  else if (g_strcmp0 (action_name, "ars") == 0)
    action = KP_SANDBOX_ACTION_ARS;
  else
    return page_reply (400, render_page (payment, path));

  location = _kp_sandbox_payment_act (self, payment, action, chosen, &error);
  if (error != NULL)
    return page_reply (409, render_page (payment, path));

  /* 303: the browser follows with a GET, as KakaoPay's redirect does. */
  reply = _kp_sandbox_reply_new (303, NULL, NULL);
  soup_message_headers_replace (reply->headers, "Location", location != NULL ? location : path);
  return reply;
}

/* Any path that is not the API's: a page, or the page's 404. */
KpSandboxReply *
_kp_sandbox_handle_page (KpSandbox  *self,
                         const char *method,
                         const char *path,
                         GBytes     *body)
{
  g_autofree char *key = match_page_key (path);
  KpSandboxPayment *payment = key != NULL ? g_hash_table_lookup (self->pages, key) : NULL;
  KpSandboxReply *reply;

  if (payment == NULL)
    return page_reply (404, render_page (NULL, path));

  _kp_sandbox_payment_check_expiry (self, payment);

  if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD"))
    {
      if (g_str_equal (method, "GET") && payment->status == KP_STATUS_READY)
        payment->status = KP_STATUS_OPEN_PAYMENT;
      return page_reply (200, render_page (payment, path));
    }
  if (g_str_equal (method, "POST"))
    return page_post (self, payment, path, body);

  reply = page_reply (405, render_page (payment, path));
  soup_message_headers_replace (reply->headers, "Allow", "GET, HEAD, POST");
  return reply;
}
