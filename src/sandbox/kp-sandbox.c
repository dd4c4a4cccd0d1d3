/* kp-sandbox.c: a KakaoPay simulator
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KpSandbox itself: its properties and lifecycle, its clock, the faults set for each
 * endpoint, the records of the calls it received, the replies, and the public API
 * that does not belong to one of the other files (kp-sandbox-private.h lists them).
 */

#define G_LOG_DOMAIN "kp-sandbox"

#include "config.h"

#include <string.h>

#include "kp-error.h"
#include "kp-sandbox-private.h"

#define TEST_CID "TC0ONETIME"

G_DEFINE_FINAL_TYPE (KpSandbox, kp_sandbox, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SECRET_KEY,
  PROP_TID_TTL,
  PROP_PUBLIC_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const endpoint_names[] = {
  [KP_SANDBOX_ENDPOINT_READY] = "ready",
  [KP_SANDBOX_ENDPOINT_APPROVE] = "approve",
  [KP_SANDBOX_ENDPOINT_ORDER] = "order",
  [KP_SANDBOX_ENDPOINT_CANCEL] = "cancel",
};

static const char * const fault_names[] = {
  [KP_SANDBOX_FAULT_NONE] = "none",
  [KP_SANDBOX_FAULT_DELAY] = "delay",
  [KP_SANDBOX_FAULT_HTTP_500] = "http-500",
  [KP_SANDBOX_FAULT_MALFORMED_JSON] = "malformed-json",
  [KP_SANDBOX_FAULT_DROP_REPLY] = "drop-reply",
  [KP_SANDBOX_FAULT_DECLINE] = "decline",
  [KP_SANDBOX_FAULT_SPARSE_ACTIONS] = "sparse-actions",
};

/* The fault for this call to @endpoint, used up by it. */
KpSandboxFault
_kp_sandbox_take_fault (KpSandbox         *self,
                        KpSandboxEndpoint  endpoint,
                        guint             *delay_ms)
{
  KpSandboxFaultSlot *slot = &self->faults[endpoint];
  KpSandboxFault fault = slot->fault;

  *delay_ms = 0;
  if (slot->n_calls == 0 || fault == KP_SANDBOX_FAULT_NONE)
    return KP_SANDBOX_FAULT_NONE;

  *delay_ms = slot->delay_ms;
  if (--slot->n_calls == 0)
    slot->fault = KP_SANDBOX_FAULT_NONE;
  return fault;
}

/* Takes @body (nullable). */
KpSandboxReply *
_kp_sandbox_reply_new (guint       status,
                       const char *content_type,
                       char       *body)
{
  KpSandboxReply *reply = g_new0 (KpSandboxReply, 1);

  reply->status = status;
  reply->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (content_type != NULL)
    soup_message_headers_replace (reply->headers, "Content-Type", content_type);
  reply->body = body != NULL ? g_bytes_new_take (body, strlen (body)) : g_bytes_new (NULL, 0);
  return reply;
}

/* GObject */

static void
kp_sandbox_dispose (GObject *object)
{
  KpSandbox *self = (KpSandbox *) object;

  _kp_sandbox_server_close (self);
  g_clear_object (&self->log_stream);

  G_OBJECT_CLASS (kp_sandbox_parent_class)->dispose (object);
}

static void
kp_sandbox_finalize (GObject *object)
{
  KpSandbox *self = (KpSandbox *) object;

  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->payments, g_hash_table_unref);
  g_clear_pointer (&self->cids, g_hash_table_unref);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  if (self->secret_key != NULL)
    memset (self->secret_key, 0, strlen (self->secret_key));
  g_free (self->secret_key);
  g_free (self->public_url);
  g_free (self->base_url);

  G_OBJECT_CLASS (kp_sandbox_parent_class)->finalize (object);
}

static void
kp_sandbox_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KpSandbox *self = KP_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_TID_TTL:
      g_value_set_uint (value, self->tid_ttl);
      break;
    case PROP_PUBLIC_URL:
      g_value_set_string (value, self->public_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_sandbox_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  KpSandbox *self = KP_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_SECRET_KEY:
      g_free (self->secret_key);
      self->secret_key = g_strdup (g_value_get_string (value) != NULL
                                     ? g_value_get_string (value)
                                     : KP_SANDBOX_DEFAULT_KEY);
      break;
    case PROP_TID_TTL:
      kp_sandbox_set_tid_ttl (self, g_value_get_uint (value));
      break;
    case PROP_PUBLIC_URL:
      kp_sandbox_set_public_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_sandbox_class_init (KpSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_sandbox_dispose;
  object_class->finalize = kp_sandbox_finalize;
  object_class->get_property = kp_sandbox_get_property;
  object_class->set_property = kp_sandbox_set_property;

  /* Write-only: the key never leaves the sandbox. */
  properties[PROP_SECRET_KEY] =
    g_param_spec_string ("secret-key", NULL, NULL,
                         NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TID_TTL] =
    g_param_spec_uint ("tid-ttl", NULL, NULL,
                       0, G_MAXUINT, KP_SANDBOX_DEFAULT_TID_TTL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PUBLIC_URL] =
    g_param_spec_string ("public-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_sandbox_init (KpSandbox *self)
{
  self->tid_ttl = KP_SANDBOX_DEFAULT_TID_TTL;
  self->secret_key = g_strdup (KP_SANDBOX_DEFAULT_KEY);
  self->payments = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) _kp_sandbox_payment_free);
  self->pages = g_hash_table_new (g_str_hash, g_str_equal);
  self->cids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (self->cids, g_strdup (TEST_CID));
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_sandbox_request_free);

  self->server = _kp_sandbox_server_new (self);
}

/* Public API */

/**
 * kp_sandbox_new:
 * @secret_key: (nullable): the key clients must send, or %NULL for
 *   %KP_SANDBOX_DEFAULT_KEY
 *
 * Returns: (transfer full): a sandbox; call kp_sandbox_listen() to serve it
 */
KpSandbox *
kp_sandbox_new (const char *secret_key)
{
  return g_object_new (KP_TYPE_SANDBOX, "secret-key", secret_key, NULL);
}

void
kp_sandbox_set_tid_ttl (KpSandbox *self,
                        guint      seconds)
{
  g_return_if_fail (KP_IS_SANDBOX (self));

  if (self->tid_ttl == seconds)
    return;
  self->tid_ttl = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TID_TTL]);
}

guint
kp_sandbox_get_tid_ttl (KpSandbox *self)
{
  g_return_val_if_fail (KP_IS_SANDBOX (self), 0);

  return self->tid_ttl;
}

/**
 * kp_sandbox_set_public_url:
 * @url: (nullable): the base of the customer page URLs (for a LAN demo), or %NULL for
 *   the listening address
 */
void
kp_sandbox_set_public_url (KpSandbox  *self,
                           const char *url)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (KP_IS_SANDBOX (self));

  if (url != NULL && *url != '\0')
    {
      normalized = g_strdup (url);
      while (g_str_has_suffix (normalized, "/"))
        normalized[strlen (normalized) - 1] = '\0';
    }

  if (g_strcmp0 (self->public_url, normalized) == 0)
    return;
  g_free (self->public_url);
  self->public_url = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLIC_URL]);
}

/**
 * kp_sandbox_set_log_stream:
 * @stream: (nullable): where to write one JSON line per API call
 *
 * The lines carry the Authorization scheme only, never the key.
 */
void
kp_sandbox_set_log_stream (KpSandbox     *self,
                           GOutputStream *stream)
{
  g_return_if_fail (KP_IS_SANDBOX (self));
  g_return_if_fail (stream == NULL || G_IS_OUTPUT_STREAM (stream));

  g_set_object (&self->log_stream, stream);
}

void
kp_sandbox_reply_free (KpSandboxReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

/**
 * kp_sandbox_advance_clock:
 *
 * Moves the sandbox clock (timestamps, tid expiry) by @seconds.
 */
void
kp_sandbox_advance_clock (KpSandbox *self,
                          gint64     seconds)
{
  g_return_if_fail (KP_IS_SANDBOX (self));

  self->clock_offset += seconds;
}

/**
 * kp_sandbox_now:
 *
 * Returns: (transfer full): the sandbox clock in KST
 */
GDateTime *
kp_sandbox_now (KpSandbox *self)
{
  g_autoptr (GDateTime) now = NULL;

  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);

  now = g_date_time_new_now (kp_kst ());
  return g_date_time_add_seconds (now, (gdouble) self->clock_offset);
}

/**
 * kp_sandbox_inject_fault:
 * @n_calls: how many of the next authenticated calls to @endpoint get the fault (0 clears)
 * @delay_ms: for %KP_SANDBOX_FAULT_DELAY, how long each reply is held
 *
 * Replaces the fault set for @endpoint.
 */
void
kp_sandbox_inject_fault (KpSandbox         *self,
                         KpSandboxEndpoint  endpoint,
                         KpSandboxFault     fault,
                         guint              n_calls,
                         guint              delay_ms)
{
  g_return_if_fail (KP_IS_SANDBOX (self));
  g_return_if_fail (endpoint < KP_SANDBOX_N_ENDPOINTS);
  g_return_if_fail (fault < KP_SANDBOX_N_FAULTS);

  self->faults[endpoint].fault = n_calls > 0 ? fault : KP_SANDBOX_FAULT_NONE;
  self->faults[endpoint].n_calls = fault != KP_SANDBOX_FAULT_NONE ? n_calls : 0;
  self->faults[endpoint].delay_ms = delay_ms;
}

void
kp_sandbox_clear_faults (KpSandbox *self)
{
  g_return_if_fail (KP_IS_SANDBOX (self));

  memset (self->faults, 0, sizeof self->faults);
}

/**
 * kp_sandbox_get_requests:
 *
 * Returns: (transfer full) (element-type KpSandboxRequest): a copy of the calls received
 *   so far, oldest first
 */
GPtrArray *
kp_sandbox_get_requests (KpSandbox *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);

  copy = g_ptr_array_new_full (self->requests->len,
                               (GDestroyNotify) kp_sandbox_request_free);
  for (guint i = 0; i < self->requests->len; i++)
    g_ptr_array_add (copy, kp_sandbox_request_copy (g_ptr_array_index (self->requests, i)));

  return copy;
}

void
kp_sandbox_clear_requests (KpSandbox *self)
{
  g_return_if_fail (KP_IS_SANDBOX (self));

  g_ptr_array_set_size (self->requests, 0);
}

guint
kp_sandbox_count_requests (KpSandbox         *self,
                           KpSandboxEndpoint  endpoint)
{
  guint count = 0;

  g_return_val_if_fail (KP_IS_SANDBOX (self), 0);

  for (guint i = 0; i < self->requests->len; i++)
    {
      KpSandboxRequest *request = g_ptr_array_index (self->requests, i);

      if (request->endpoint == endpoint)
        count++;
    }

  return count;
}

/**
 * kp_sandbox_get_status:
 *
 * Returns: the payment's status as order would report it, or %KP_STATUS_UNKNOWN for a
 *   tid the sandbox never issued
 */
KpStatus
kp_sandbox_get_status (KpSandbox  *self,
                       const char *tid)
{
  KpSandboxPayment *payment;

  g_return_val_if_fail (KP_IS_SANDBOX (self), KP_STATUS_UNKNOWN);
  g_return_val_if_fail (tid != NULL, KP_STATUS_UNKNOWN);

  payment = g_hash_table_lookup (self->payments, tid);
  if (payment == NULL)
    return KP_STATUS_UNKNOWN;

  _kp_sandbox_payment_check_expiry (self, payment);
  return payment->status;
}

/**
 * kp_sandbox_customer_act:
 * @tid: the payment
 * @action: what the customer does on the payment page
 * @method: (nullable): "MONEY" or "CARD" for SELECT_METHOD, ARS and PAY; %NULL keeps
 *   the method chosen so far (MONEY by default)
 *
 * Does in-process what the customer page does over HTTP.
 *
 * Returns: (transfer full) (nullable): where the customer's browser is redirected: the
 *   approval URL with `pg_token` for PAY, cancel_url for CANCEL, fail_url for FAIL, %NULL
 *   for the other actions or on error. Errors: %KP_API_ERROR with code -721 (unknown
 *   tid) or -723 (expired); %G_IO_ERROR_FAILED when the payment no longer waits for the
 *   customer (or, for SEND_TMS, is past the screen that sends the message);
 *   %G_IO_ERROR_INVALID_ARGUMENT for a method the payment does not accept.
 */
char *
kp_sandbox_customer_act (KpSandbox        *self,
                         const char       *tid,
                         KpSandboxAction   action,
                         const char       *method,
                         GError          **error)
{
  KpSandboxPayment *payment;

  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (tid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  payment = g_hash_table_lookup (self->payments, tid);
  if (payment == NULL)
    {
      kp_api_error_set_reply (error, 400, KP_CODE_UNKNOWN_TID, "tid does not exist",
                              NULL, NULL);
      return NULL;
    }

  return _kp_sandbox_payment_act (self, payment, action, method, error);
}

const char *
kp_sandbox_endpoint_to_string (KpSandboxEndpoint endpoint)
{
  g_return_val_if_fail (endpoint < KP_SANDBOX_N_ENDPOINTS, NULL);

  return endpoint_names[endpoint];
}

const char *
kp_sandbox_fault_to_string (KpSandboxFault fault)
{
  g_return_val_if_fail (fault < KP_SANDBOX_N_FAULTS, NULL);

  return fault_names[fault];
}

/**
 * kp_sandbox_add_cid:
 * @cid: a 10-character CID to accept besides TC0ONETIME
 */
void
kp_sandbox_add_cid (KpSandbox  *self,
                    const char *cid)
{
  g_return_if_fail (KP_IS_SANDBOX (self));
  g_return_if_fail (cid != NULL && strlen (cid) == KP_CID_LENGTH);

  g_hash_table_add (self->cids, g_strdup (cid));
}

KpSandboxRequest *
kp_sandbox_request_copy (const KpSandboxRequest *request)
{
  KpSandboxRequest *copy;

  g_return_val_if_fail (request != NULL, NULL);

  copy = g_memdup2 (request, sizeof *request);
  copy->tid = g_strdup (request->tid);
  copy->partner_order_id = g_strdup (request->partner_order_id);
  return copy;
}

void
kp_sandbox_request_free (KpSandboxRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->tid);
  g_free (request->partner_order_id);
  g_free (request);
}
