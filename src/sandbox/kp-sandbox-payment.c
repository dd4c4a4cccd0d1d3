/* kp-sandbox-payment.c: the sandbox's payments and their states
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A payment from ready on: its identifiers (tid, aid, pg_token, the page key), the
 * states the customer moves it through on the payment page (kakaopay-api.md §8), its
 * expiry, and what approve and cancel change in it. The API checks a call before it
 * changes a payment here; nothing here answers a call.
 */

#define G_LOG_DOMAIN "kp-sandbox"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "kp-error.h"
#include "kp-sandbox-private.h"

/* Identifiers */

static void
fill_random (guint8 *buffer,
             gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      gssize n = getrandom (buffer + done, length - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }

  /* Only without a kernel random source: good enough for a simulator. */
  for (; done < length; done++)
    buffer[done] = g_random_int_range (0, 256);
}

static char *
random_hex (guint n_chars)
{
  static const char digits[] = "0123456789abcdef";
  guint8 bytes[32];
  GString *str = g_string_sized_new (n_chars);

  g_assert (n_chars <= 2 * sizeof bytes);
  fill_random (bytes, (n_chars + 1) / 2);
  for (guint i = 0; i < n_chars; i++)
    g_string_append_c (str, digits[(bytes[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf]);

  return g_string_free (str, FALSE);
}

/* tid, aid: a letter and 19 lowercase hex digits (kakaopay-api.md §3). */
static char *
random_id (char prefix)
{
  g_autofree char *hex = random_hex (19);

  return g_strdup_printf ("%c%s", prefix, hex);
}

static char *
random_digits (guint n_digits)
{
  GString *str = g_string_sized_new (n_digits);

  for (guint i = 0; i < n_digits; i++)
    g_string_append_c (str, '0' + g_random_int_range (0, 10));

  return g_string_free (str, FALSE);
}

/* Payments */

/* A payment in READY created now, known to @self by its tid and its page key; the
 * caller fills in what ready asked for. */
KpSandboxPayment *
_kp_sandbox_payment_new (KpSandbox *self,
                         KpDialect  dialect)
{
  KpSandboxPayment *payment = g_new0 (KpSandboxPayment, 1);

  payment->tid = random_id ('T');
  payment->page_key = random_hex (64);
  payment->dialect = dialect;
  payment->install_month = KP_UNSET;
  payment->status = KP_STATUS_READY;
  payment->created_at = kp_sandbox_now (self);
  payment->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_payment_action_free);
  g_hash_table_insert (self->payments, payment->tid, payment);
  g_hash_table_insert (self->pages, payment->page_key, payment);

  return payment;
}

void
_kp_sandbox_payment_free (KpSandboxPayment *payment)
{
  g_free (payment->tid);
  g_free (payment->page_key);
  g_free (payment->cid);
  g_free (payment->partner_order_id);
  g_free (payment->partner_user_id);
  g_free (payment->item_name);
  g_free (payment->item_code);
  g_free (payment->approval_url);
  g_free (payment->cancel_url);
  g_free (payment->fail_url);
  g_free (payment->allowed_method);
  g_free (payment->method);
  g_free (payment->pg_token);
  g_free (payment->aid);
  g_free (payment->approved_id);
  g_free (payment->payload);
  g_clear_pointer (&payment->created_at, g_date_time_unref);
  g_clear_pointer (&payment->approved_at, g_date_time_unref);
  g_clear_pointer (&payment->canceled_at, g_date_time_unref);
  g_clear_pointer (&payment->actions, g_ptr_array_unref);
  g_free (payment);
}

/* Before approval and not ended: the states an expiry can still end. */
static gboolean
status_is_waiting (KpStatus status)
{
  switch (status)
    {
    case KP_STATUS_READY:
    case KP_STATUS_SEND_TMS:
    case KP_STATUS_OPEN_PAYMENT:
    case KP_STATUS_SELECT_METHOD:
    case KP_STATUS_ARS_WAITING:
    case KP_STATUS_AUTH_PASSWORD:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The customer is still on the payment page (password not yet entered). */
gboolean
_kp_sandbox_status_is_before_auth (KpStatus status)
{
  return status_is_waiting (status) && status != KP_STATUS_AUTH_PASSWORD;
}

gboolean
_kp_sandbox_payment_is_past_ttl (KpSandbox        *self,
                                 KpSandboxPayment *payment)
{
  g_autoptr (GDateTime) now = kp_sandbox_now (self);

  return g_date_time_difference (now, payment->created_at) >
         (GTimeSpan) self->tid_ttl * G_TIME_SPAN_SECOND;
}

void
_kp_sandbox_payment_check_expiry (KpSandbox        *self,
                                  KpSandboxPayment *payment)
{
  if (payment->approved_at != NULL || !status_is_waiting (payment->status))
    return;
  if (!_kp_sandbox_payment_is_past_ttl (self, payment))
    return;

  /* INF (kakaopay-api.md §2): the status of an expired tid is not documented; like a
   * customer who walked away it reports QUIT_PAYMENT, and approve answers -723. */
  payment->status = KP_STATUS_QUIT_PAYMENT;
  payment->expired = TRUE;
}

/* What can still be cancelled: nothing before approval. */
void
_kp_sandbox_payment_get_remaining (KpSandboxPayment *payment,
                                   KpAmount         *remaining)
{
  memset (remaining, 0, sizeof *remaining);
  if (payment->approved_at == NULL)
    return;

  remaining->total = payment->amount.total - payment->canceled.total;
  remaining->tax_free = payment->amount.tax_free - payment->canceled.tax_free;
  remaining->vat = payment->amount.vat - payment->canceled.vat;
  remaining->green_deposit = payment->amount.green_deposit - payment->canceled.green_deposit;
}

/* Approve and cancel: an entry of order's payment_action_details. */
static void
payment_add_action (KpSandboxPayment *payment,
                    const char       *type,
                    const char       *aid,
                    GDateTime        *approved_at,
                    gint64            amount,
                    gint64            point_amount,
                    gint64            discount_amount,
                    gint64            green_deposit,
                    const char       *payload)
{
  KpPaymentAction *action = g_new0 (KpPaymentAction, 1);

  action->aid = g_strdup (aid);
  action->approved_at = g_date_time_ref (approved_at);
  action->amount = KP_OPTIONAL_INT (amount);
  action->point_amount = KP_OPTIONAL_INT (point_amount);
  action->discount_amount = KP_OPTIONAL_INT (discount_amount);
  action->green_deposit = KP_OPTIONAL_INT (green_deposit);
  action->payment_action_type = g_strdup (type);
  action->payment_method_type = g_strdup (payment->method);
  action->payload = g_strdup (payload);
  g_ptr_array_add (payment->actions, action);
}

/* The payment, in AUTH_PASSWORD, is charged now: SUCCESS_PAYMENT. */
void
_kp_sandbox_payment_approve (KpSandbox        *self,
                             KpSandboxPayment *payment,
                             const char       *payload)
{
  payment->status = KP_STATUS_SUCCESS_PAYMENT;
  payment->aid = random_id ('A');
  payment->approved_at = kp_sandbox_now (self);
  payment->approved_id = random_digits (8);
  payment->payload = g_strdup (payload);
  if (payment->method == NULL)
    payment->method = g_strdup (payment->allowed_method != NULL ? payment->allowed_method
                                                                : "MONEY");

  payment_add_action (payment, "PAYMENT", payment->aid, payment->approved_at,
                      payment->amount.total, payment->amount.point, payment->amount.discount,
                      payment->amount.green_deposit, payload);
}

/* Refunds @amount of an approved payment, of which @tax_free and @vat, now: part of it
 * (PART_CANCEL_PAYMENT) or all that is left (CANCEL_PAYMENT, with the cup deposit). The
 * amounts are within what is left. Returns the cancel's aid; @out_canceled is what
 * this cancel took. */
char *
_kp_sandbox_payment_cancel (KpSandbox        *self,
                            KpSandboxPayment *payment,
                            gint64            amount,
                            gint64            tax_free,
                            gint64            vat,
                            const char       *payload,
                            KpAmount         *out_canceled)
{
  g_autoptr (GDateTime) now = kp_sandbox_now (self);
  char *aid = random_id ('A');
  KpAmount remaining;

  _kp_sandbox_payment_get_remaining (payment, &remaining);
  memset (out_canceled, 0, sizeof *out_canceled);
  out_canceled->total = amount;
  out_canceled->tax_free = tax_free;
  out_canceled->vat = vat;
  if (amount == remaining.total)
    out_canceled->green_deposit = remaining.green_deposit;

  payment->canceled.total += out_canceled->total;
  payment->canceled.tax_free += out_canceled->tax_free;
  payment->canceled.vat += out_canceled->vat;
  payment->canceled.green_deposit += out_canceled->green_deposit;
  payment->status = payment->canceled.total == payment->amount.total
                      ? KP_STATUS_CANCEL_PAYMENT
                      : KP_STATUS_PART_CANCEL_PAYMENT;
  g_clear_pointer (&payment->canceled_at, g_date_time_unref);
  payment->canceled_at = g_date_time_ref (now);

  payment_add_action (payment, "CANCEL", aid, now, amount, 0, 0, out_canceled->green_deposit,
                      payload);
  return aid;
}

/* Customer actions */

static char *
append_pg_token (const char *url,
                 const char *pg_token)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GUri) with_token = NULL;
  g_autofree char *query = NULL;
  const char *old_query;

  /* approval_url was checked by ready. */
  g_return_val_if_fail (uri != NULL, NULL);

  old_query = g_uri_get_query (uri);
  if (old_query != NULL && *old_query != '\0')
    query = g_strdup_printf ("%s&pg_token=%s", old_query, pg_token);
  else
    query = g_strdup_printf ("pg_token=%s", pg_token);

  with_token = g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri),
                            g_uri_get_userinfo (uri), g_uri_get_host (uri),
                            g_uri_get_port (uri), g_uri_get_path (uri), query,
                            g_uri_get_fragment (uri));
  return g_uri_to_string (with_token);
}

/* Where the customer's browser goes once the password is entered: approval_url with
 * the pg_token. */
char *
_kp_sandbox_payment_dup_approval_redirect (KpSandboxPayment *payment)
{
  return append_pg_token (payment->approval_url, payment->pg_token);
}

static gboolean
method_is_valid (const char *method)
{
  return g_strcmp0 (method, "MONEY") == 0 || g_strcmp0 (method, "CARD") == 0;
}

static void
payment_set_method (KpSandboxPayment *payment,
                    const char       *method)
{
  /* @method may be payment->method itself. */
  if (method != payment->method)
    {
      g_free (payment->method);
      payment->method = g_strdup (method);
    }
}

/* What the customer does on the page (kakaopay-api.md §8, simulator mapping, INF). */
char *
_kp_sandbox_payment_act (KpSandbox         *self,
                         KpSandboxPayment  *payment,
                         KpSandboxAction    action,
                         const char        *method,
                         GError           **error)
{
  const char *chosen;

  _kp_sandbox_payment_check_expiry (self, payment);
  if (payment->expired)
    {
      kp_api_error_set_reply (error, 400, KP_CODE_EXPIRED, "payment expiry time passed",
                              NULL, NULL);
      return NULL;
    }
  if (!_kp_sandbox_status_is_before_auth (payment->status))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Payment %s is %s: the customer can no longer act on it",
                   payment->tid, kp_status_to_string (payment->status));
      return NULL;
    }
  if (method != NULL && !method_is_valid (method))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unknown payment method “%s”: expected MONEY or CARD", method);
      return NULL;
    }
  if (method != NULL && payment->allowed_method != NULL &&
      !g_str_equal (method, payment->allowed_method))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Payment %s only accepts %s", payment->tid, payment->allowed_method);
      return NULL;
    }

  chosen = method;
  if (chosen == NULL)
    chosen = payment->method;
  if (chosen == NULL)
    chosen = payment->allowed_method != NULL ? payment->allowed_method : "MONEY";

  switch (action)
    {
    case KP_SANDBOX_ACTION_SEND_TMS:
      /* From the PC page, before the phone shows the payment (kakaopay-api.md §2, §8):
       * the page itself may be open already. */
      if (payment->status != KP_STATUS_READY && payment->status != KP_STATUS_OPEN_PAYMENT &&
          payment->status != KP_STATUS_SEND_TMS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Payment %s is %s: the payment message was sent before",
                       payment->tid, kp_status_to_string (payment->status));
          return NULL;
        }
      payment->status = KP_STATUS_SEND_TMS;
      return NULL;

    case KP_SANDBOX_ACTION_OPEN:
      if (payment->status == KP_STATUS_READY || payment->status == KP_STATUS_SEND_TMS)
        payment->status = KP_STATUS_OPEN_PAYMENT;
      return NULL;

    case KP_SANDBOX_ACTION_SELECT_METHOD:
      payment_set_method (payment, chosen);
      payment->status = KP_STATUS_SELECT_METHOD;
      return NULL;

    case KP_SANDBOX_ACTION_ARS:
      /* Phone authentication instead of the password; PAY ends it (INF, §8). */
      payment_set_method (payment, chosen);
      payment->status = KP_STATUS_ARS_WAITING;
      return NULL;

    case KP_SANDBOX_ACTION_PAY:
      /* Through SELECT_METHOD to AUTH_PASSWORD, with a fresh token for the redirect. */
      payment_set_method (payment, chosen);
      payment->status = KP_STATUS_AUTH_PASSWORD;
      g_free (payment->pg_token);
      payment->pg_token = random_hex (20);
      return _kp_sandbox_payment_dup_approval_redirect (payment);

    case KP_SANDBOX_ACTION_CANCEL:
      payment->status = KP_STATUS_QUIT_PAYMENT;
      return g_strdup (payment->cancel_url);

    case KP_SANDBOX_ACTION_FAIL:
      payment->status = KP_STATUS_FAIL_AUTH_PASSWORD;
      return g_strdup (payment->fail_url);

    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown action %d",
                   action);
      return NULL;
    }
}
