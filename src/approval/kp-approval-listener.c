/* kp-approval-listener.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-approval-listener"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "kp-approval-listener.h"
#include "kp-callback-page.h"
#include "kp-http-guard.h"

/* How many ended orders are remembered, so a late replay gets 410 rather than 404. */
#define MAX_ENDED 1024

/* Connections waiting to be accepted: as many as are served at a time. */
#define LISTEN_BACKLOG KP_APPROVAL_LISTENER_MAX_CONNECTIONS

#define KAKAOPAY_PREFIX "/kakaopay/"

/* The page the preferences' "Check from a phone" QR code opens. */
#define CHECK_PATH "/check"

struct _KpApprovalListener
{
  GObject     parent_instance;

  SoupServer *server;
  GHashTable *expected;     /* partner_order_id → nonce */
  GHashTable *ended;        /* partner_order_id → nonce */
  GQueue      ended_order;
  KpHttpGuard *guard;
  guint       n_rejected;
};

G_DEFINE_FINAL_TYPE (KpApprovalListener, kp_approval_listener, G_TYPE_OBJECT)

enum {
  SIGNAL_CALLBACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
reject (KpApprovalListener *self,
        SoupServerMessage  *msg,
        guint               status,
        const char         *why)
{
  self->n_rejected++;
  g_debug ("rejected a callback (%u): %s", status, why);
  kp_callback_page_respond (msg, status, KP_CALLBACK_FAIL);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  KpApprovalListener *self = user_data;
  g_autofree char *order_id = NULL;
  const char *pg_token = NULL;
  KpCallbackKind kind = KP_CALLBACK_FAIL;
  const char *method = soup_server_message_get_method (msg);
  guint status;

  if (g_strcmp0 (path, CHECK_PATH) == 0 &&
      (g_strcmp0 (method, SOUP_METHOD_GET) == 0 || g_strcmp0 (method, SOUP_METHOD_HEAD) == 0))
    {
      g_debug ("reachability check");
      kp_callback_page_respond_check (msg);
      return;
    }

  status = kp_approval_listener_check_request (self, method, path,
                                               query, &kind, &order_id, &pg_token);
  switch (status)
    {
    case SOUP_STATUS_OK:
      break;
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
      self->n_rejected++;
      soup_server_message_set_status (msg, status, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      return;
    case SOUP_STATUS_BAD_REQUEST:
      self->n_rejected++;
      kp_callback_page_respond (msg, status, KP_CALLBACK_APPROVE);
      return;
    default:
      reject (self, msg, status,
              status == SOUP_STATUS_GONE ? "sale ended" : "unknown path, order or nonce");
      return;
    }

  g_debug ("%s callback for %s", kp_callback_kind_to_string (kind), order_id);
  kp_callback_page_respond (msg, SOUP_STATUS_OK, kind);
  g_signal_emit (self, signals[SIGNAL_CALLBACK], 0, order_id, kind, pg_token);
}

static void
kp_approval_listener_dispose (GObject *object)
{
  KpApprovalListener *self = KP_APPROVAL_LISTENER (object);

  g_clear_pointer (&self->guard, kp_http_guard_free);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (kp_approval_listener_parent_class)->dispose (object);
}

static void
kp_approval_listener_finalize (GObject *object)
{
  KpApprovalListener *self = KP_APPROVAL_LISTENER (object);

  g_hash_table_unref (self->expected);
  g_hash_table_unref (self->ended);
  g_queue_clear_full (&self->ended_order, g_free);

  G_OBJECT_CLASS (kp_approval_listener_parent_class)->finalize (object);
}

static void
kp_approval_listener_class_init (KpApprovalListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_approval_listener_dispose;
  object_class->finalize = kp_approval_listener_finalize;

  /**
   * KpApprovalListener::callback:
   * @partner_order_id: the sale
   * @kind: approve, cancel or fail
   * @pg_token: (nullable): the approval token (approve only)
   *
   * A customer's browser arrived at a valid callback URL of an expected sale. It may
   * repeat (a reload): the receiver keeps the first decisive event.
   */
  signals[SIGNAL_CALLBACK] =
    g_signal_new ("callback", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING);
}

static void
kp_approval_listener_init (KpApprovalListener *self)
{
  self->expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ended = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_queue_init (&self->ended_order);
  self->server = soup_server_new ("server-header", "kakaopay-pos ", NULL);
  self->guard = kp_http_guard_new (self->server, KP_APPROVAL_LISTENER_MAX_CONNECTIONS,
                                   KP_APPROVAL_LISTENER_TIMEOUT_SECONDS);
  /* Every path, so that anything else gets our 404 page and the same limits. */
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
}

KpApprovalListener *
kp_approval_listener_new (void)
{
  return g_object_new (KP_TYPE_APPROVAL_LISTENER, NULL);
}

/**
 * kp_approval_listener_listen:
 * @host: an IP address to bind ("0.0.0.0" for every interface, "127.0.0.1" for loopback)
 * @port: the port, 0 for any free one
 */
gboolean
kp_approval_listener_listen (KpApprovalListener  *self,
                             const char          *host,
                             guint16              port,
                             GError             **error)
{
  g_return_val_if_fail (KP_IS_APPROVAL_LISTENER (self), FALSE);

  return kp_http_guard_listen (self->guard, host, port, LISTEN_BACKLOG, error);
}

/**
 * kp_approval_listener_dup_url:
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT` of the first listening socket
 */
char *
kp_approval_listener_dup_url (KpApprovalListener *self)
{
  g_return_val_if_fail (KP_IS_APPROVAL_LISTENER (self), NULL);

  return kp_http_guard_dup_url (self->guard);
}

/**
 * kp_approval_listener_set_head_timeout:
 *
 * How long a connection may take to send its request head (default
 * %KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS), for connections accepted from now on.
 */
void
kp_approval_listener_set_head_timeout (KpApprovalListener *self,
                                       guint               seconds)
{
  g_return_if_fail (KP_IS_APPROVAL_LISTENER (self));
  g_return_if_fail (seconds > 0);

  kp_http_guard_set_head_timeout (self->guard, seconds);
}

/**
 * kp_approval_listener_expect:
 * @nonce: the sale's secret its callback links are made with (kp_callback_url())
 *
 * Accepts callbacks for @partner_order_id with links made from @nonce from now on.
 */
void
kp_approval_listener_expect (KpApprovalListener *self,
                             const char         *partner_order_id,
                             const char         *nonce)
{
  g_return_if_fail (KP_IS_APPROVAL_LISTENER (self));
  g_return_if_fail (partner_order_id != NULL && nonce != NULL && *nonce != '\0');

  g_hash_table_replace (self->expected, g_strdup (partner_order_id), g_strdup (nonce));
}

/**
 * kp_approval_listener_forget:
 *
 * The sale ended: its callbacks are refused from now on (410 for its real links).
 */
void
kp_approval_listener_forget (KpApprovalListener *self,
                             const char         *partner_order_id)
{
  gpointer key, nonce;

  g_return_if_fail (KP_IS_APPROVAL_LISTENER (self));

  if (!g_hash_table_steal_extended (self->expected, partner_order_id, &key, &nonce))
    return;

  if (!g_hash_table_contains (self->ended, key))
    {
      g_queue_push_tail (&self->ended_order, key);
      g_hash_table_replace (self->ended, key, nonce);
    }
  else
    {
      g_free (key);
      g_free (nonce);
    }

  while (g_queue_get_length (&self->ended_order) > MAX_ENDED)
    {
      g_autofree char *oldest = g_queue_pop_head (&self->ended_order);

      g_hash_table_remove (self->ended, oldest);
    }
}

guint
kp_approval_listener_get_n_rejected (KpApprovalListener *self)
{
  g_return_val_if_fail (KP_IS_APPROVAL_LISTENER (self), 0);

  return self->n_rejected + (self->guard != NULL ? kp_http_guard_get_n_refused (self->guard) : 0);
}

/**
 * kp_approval_listener_check_request:
 * @method: (nullable): the request method
 * @path: (nullable): the request path, percent-decoded
 * @query: (nullable) (element-type utf8 utf8): the query, decoded as a form
 * @out_kind: (out): the callback's kind
 * @out_order_id: (out) (transfer full): the sale's partner_order_id
 * @out_pg_token: (out) (transfer none) (nullable): the approval token (approve only),
 *   owned by @query
 *
 * Validates a callback request: `GET|HEAD /kakaopay/{approve|cancel|fail}/{order}`,
 * `n` the link nonce of an expected order for this kind (kp_callback_link_check(), 410
 * once expired), and for approve a `pg_token` (see the limits in
 * kp-approval-listener.h). Pure: emits nothing, counts nothing.
 *
 * Returns: %SOUP_STATUS_OK with the out values set for a valid callback; otherwise the
 *   HTTP status to refuse it with (405, 404, 410 or 400) and the out values untouched
 */
guint
kp_approval_listener_check_request (KpApprovalListener  *self,
                                    const char          *method,
                                    const char          *path,
                                    GHashTable          *query,
                                    KpCallbackKind      *out_kind,
                                    char               **out_order_id,
                                    const char         **out_pg_token)
{
  const char *nonce = query != NULL ? g_hash_table_lookup (query, "n") : NULL;
  const char *pg_token = query != NULL ? g_hash_table_lookup (query, "pg_token") : NULL;
  const char *kind_text;
  const char *order_id;
  const char *slash;
  const char *expected;
  KpCallbackKind kind;
  gsize order_length;

  g_return_val_if_fail (KP_IS_APPROVAL_LISTENER (self), SOUP_STATUS_INTERNAL_SERVER_ERROR);
  g_return_val_if_fail (out_kind != NULL && out_order_id != NULL && out_pg_token != NULL,
                        SOUP_STATUS_INTERNAL_SERVER_ERROR);

  if (g_strcmp0 (method, SOUP_METHOD_GET) != 0 && g_strcmp0 (method, SOUP_METHOD_HEAD) != 0)
    return SOUP_STATUS_METHOD_NOT_ALLOWED;

  /* /kakaopay/{kind}/{partner_order_id} */
  if (path == NULL || !g_str_has_prefix (path, KAKAOPAY_PREFIX))
    return SOUP_STATUS_NOT_FOUND;
  kind_text = path + strlen (KAKAOPAY_PREFIX);
  slash = strchr (kind_text, '/');
  if (slash == NULL || !kp_callback_kind_from_string (kind_text, slash - kind_text, &kind))
    return SOUP_STATUS_NOT_FOUND;
  order_id = slash + 1;
  order_length = strnlen (order_id, KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH + 1);
  if (order_length == 0 || order_length > KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH ||
      memchr (order_id, '/', order_length) != NULL)
    return SOUP_STATUS_NOT_FOUND;

  if (nonce != NULL && strnlen (nonce, KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH + 1) >
                       KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH)
    nonce = NULL;

  expected = g_hash_table_lookup (self->expected, order_id);
  if (expected == NULL)
    {
      const char *ended = g_hash_table_lookup (self->ended, order_id);

      /* A replay of a real link after the sale ended; anything else is unknown. */
      if (ended != NULL &&
          kp_callback_link_check (ended, kind, order_id, nonce, G_MININT64, NULL) ==
            KP_CALLBACK_LINK_VALID)
        return SOUP_STATUS_GONE;
      return SOUP_STATUS_NOT_FOUND;
    }

  /* The link of this kind and order, made with the sale's secret, and still in time. */
  switch (kp_callback_link_check (expected, kind, order_id, nonce,
                                  g_get_real_time () / G_USEC_PER_SEC, NULL))
    {
    case KP_CALLBACK_LINK_VALID:
      break;
    case KP_CALLBACK_LINK_EXPIRED:
      return SOUP_STATUS_GONE;
    case KP_CALLBACK_LINK_FORGED:
    default:
      return SOUP_STATUS_NOT_FOUND;
    }

  if (kind == KP_CALLBACK_APPROVE && !kp_callback_pg_token_is_valid (pg_token))
    return SOUP_STATUS_BAD_REQUEST;

  *out_kind = kind;
  *out_order_id = g_strdup (order_id);
  *out_pg_token = kind == KP_CALLBACK_APPROVE ? pg_token : NULL;
  return SOUP_STATUS_OK;
}

/**
 * kp_approval_listener_deliver:
 * @kind: approve, cancel or fail
 * @partner_order_id: the sale
 * @nonce: (nullable): the nonce the callback URL carried
 * @pg_token: (nullable): the approval token (approve only)
 *
 * A callback that reached this terminal some other way (kakaopay-relay). It goes
 * through kp_approval_listener_check_request() as the request the customer's browser
 * would have sent to this listener, so the same rules apply; when it passes,
 * #KpApprovalListener::callback is emitted.
 *
 * Returns: whether the callback was accepted
 */
gboolean
kp_approval_listener_deliver (KpApprovalListener *self,
                              KpCallbackKind      kind,
                              const char         *partner_order_id,
                              const char         *nonce,
                              const char         *pg_token)
{
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = NULL;
  g_autofree char *order_id = NULL;
  const char *checked_pg_token = NULL;
  KpCallbackKind checked_kind = KP_CALLBACK_FAIL;
  guint status;

  g_return_val_if_fail (KP_IS_APPROVAL_LISTENER (self), FALSE);
  g_return_val_if_fail (kind <= KP_CALLBACK_FAIL, FALSE);
  g_return_val_if_fail (partner_order_id != NULL, FALSE);

  path = g_strconcat (KAKAOPAY_PREFIX, kp_callback_kind_to_string (kind), "/", partner_order_id, NULL);
  if (nonce != NULL)
    g_hash_table_insert (query, (char *) "n", (char *) nonce);
  if (pg_token != NULL)
    g_hash_table_insert (query, (char *) "pg_token", (char *) pg_token);

  status = kp_approval_listener_check_request (self, SOUP_METHOD_GET, path, query,
                                               &checked_kind, &order_id, &checked_pg_token);
  if (status != SOUP_STATUS_OK)
    {
      self->n_rejected++;
      g_debug ("rejected a delivered callback (%u)", status);
      return FALSE;
    }

  g_debug ("%s callback for %s (delivered)", kp_callback_kind_to_string (checked_kind),
           order_id);
  g_signal_emit (self, signals[SIGNAL_CALLBACK], 0, order_id, checked_kind, checked_pg_token);
  return TRUE;
}
