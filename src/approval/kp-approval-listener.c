/* kp-approval-listener.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-approval-listener"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/random.h>

#include "kp-approval-listener.h"

/* How many ended orders are remembered, so a late replay gets 410 rather than 404. */
#define MAX_ENDED 1024

struct _KpApprovalListener
{
  GObject     parent_instance;

  SoupServer *server;
  GHashTable *expected;   /* partner_order_id → nonce */
  GHashTable *ended;      /* partner_order_id → nonce */
  GQueue      ended_order;
  guint       n_rejected;
};

G_DEFINE_FINAL_TYPE (KpApprovalListener, kp_approval_listener, G_TYPE_OBJECT)

enum {
  SIGNAL_CALLBACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const kind_names[] = { "approve", "cancel", "fail" };

const char *
kp_callback_kind_to_string (KpCallbackKind kind)
{
  g_return_val_if_fail (kind <= KP_CALLBACK_FAIL, NULL);

  return kind_names[kind];
}

/**
 * kp_random_hex:
 * @n_bytes: how many random bytes
 *
 * Returns: (transfer full): @n_bytes from the kernel's CSPRNG, as lowercase hex
 */
char *
kp_random_hex (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  GString *hex = g_string_sized_new (n_bytes * 2);
  gsize done = 0;

  while (done < n_bytes)
    {
      ssize_t n = getrandom (bytes + done, n_bytes - done, 0);

      if (n < 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      done += n;
    }
  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  return g_string_free (hex, FALSE);
}

/**
 * kp_callback_url:
 * @callback_base: scheme, host, port (and optional path prefix) the customer's
 *   browser can reach
 *
 * Returns: (transfer full): `{base}/kakaopay/{approve|cancel|fail}/{order}?n={nonce}`
 */
char *
kp_callback_url (const char     *callback_base,
                 KpCallbackKind  kind,
                 const char     *partner_order_id,
                 const char     *nonce)
{
  g_autofree char *base = g_strdup (callback_base);
  g_autofree char *order = g_uri_escape_string (partner_order_id, NULL, FALSE);
  g_autofree char *escaped_nonce = g_uri_escape_string (nonce, NULL, FALSE);

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strdup_printf ("%s/kakaopay/%s/%s?n=%s", base, kind_names[kind], order, escaped_nonce);
}

/**
 * kp_parse_host_port:
 * @text: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` (all interfaces)
 */
gboolean
kp_parse_host_port (const char  *text,
                    char       **out_host,
                    guint16     *out_port,
                    GError     **error)
{
  g_autofree char *uri_text = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *host;

  if (text != NULL && text[0] == ':')
    uri_text = g_strconcat ("http://0.0.0.0", text, NULL);
  else
    uri_text = g_strconcat ("http://", text != NULL ? text : "", NULL);

  uri = g_uri_parse (uri_text, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0' || g_uri_get_port (uri) < 0 ||
      g_uri_get_port (uri) > 65535 || (g_uri_get_path (uri) != NULL && *g_uri_get_path (uri)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is what the user typed */
                   _("“%s” is not an address and port such as 0.0.0.0:8790."),
                   text != NULL ? text : "");
      return FALSE;
    }

  *out_host = g_strdup (host);
  *out_port = g_uri_get_port (uri);
  return TRUE;
}

/* Comparing the nonce in constant time keeps its content from leaking through timing. */
static gboolean
nonce_equal (const char *expected,
             const char *given)
{
  gsize len = strlen (expected);
  guint8 diff = 0;

  if (given == NULL || strlen (given) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    diff |= (guint8) (expected[i] ^ given[i]);
  return diff == 0;
}

static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *title_ko,
              const char        *title_en,
              const char        *text_ko,
              const char        *text_en)
{
  g_autofree char *body = NULL;

  /* Both languages, Korean first: the phone belongs to a customer whose language the
   * terminal does not know. No external resources; nothing interpolated from input. */
  body = g_strdup_printf (
    "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>%s · %s</title>"
    "<style>body{font-family:sans-serif;margin:0;padding:2em 1.2em;text-align:center;"
    "background:#fafafa;color:#191919}h1{font-size:1.6em;margin:.2em 0}"
    "h2{font-size:1.2em;font-weight:normal;color:#555;margin:.2em 0 1.2em}"
    "p{font-size:1.1em}</style></head><body>"
    "<h1>%s</h1><h2 lang=\"en\">%s</h2><p>%s</p><p lang=\"en\">%s</p></body></html>\n",
    title_ko, title_en, title_ko, title_en, text_ko, text_en);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), strlen (body));
}

static void
respond_outcome (SoupServerMessage *msg,
                 KpCallbackKind     kind)
{
  switch (kind)
    {
    case KP_CALLBACK_APPROVE:
      respond_page (msg, SOUP_STATUS_OK, "결제가 완료되었습니다", "Payment received",
                    "계산대로 돌아가 주세요.", "Please return to the counter.");
      break;
    case KP_CALLBACK_CANCEL:
      respond_page (msg, SOUP_STATUS_OK, "결제가 취소되었습니다", "Payment cancelled",
                    "계산대 직원에게 알려 주세요.", "Please tell the cashier.");
      break;
    case KP_CALLBACK_FAIL:
    default:
      respond_page (msg, SOUP_STATUS_OK, "결제에 실패했습니다", "Payment failed",
                    "계산대 직원에게 알려 주세요.", "Please tell the cashier.");
      break;
    }
}

static void
reject (KpApprovalListener *self,
        SoupServerMessage  *msg,
        guint               status,
        const char         *why)
{
  self->n_rejected++;
  g_debug ("rejected a callback (%u): %s", status, why);
  if (status == SOUP_STATUS_GONE)
    respond_page (msg, status, "이미 끝난 결제입니다", "This payment has ended",
                  "계산대 직원에게 문의해 주세요.", "Please ask the cashier.");
  else
    respond_page (msg, status, "알 수 없는 결제입니다", "Unknown payment",
                  "계산대 직원에게 문의해 주세요.", "Please ask the cashier.");
}

static gboolean
parse_kind (const char     *text,
            KpCallbackKind *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_strcmp0 (text, kind_names[i]) == 0)
        {
          *out_kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  KpApprovalListener *self = user_data;
  g_auto (GStrv) parts = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *nonce = query != NULL ? g_hash_table_lookup (query, "n") : NULL;
  const char *pg_token = query != NULL ? g_hash_table_lookup (query, "pg_token") : NULL;
  const char *expected;
  const char *order_id;
  KpCallbackKind kind;

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      self->n_rejected++;
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      return;
    }

  /* /kakaopay/{kind}/{partner_order_id} */
  parts = g_strsplit (path, "/", 0);
  if (g_strv_length (parts) != 4 || g_strcmp0 (parts[1], "kakaopay") != 0 ||
      !parse_kind (parts[2], &kind) || *parts[3] == '\0')
    {
      reject (self, msg, SOUP_STATUS_NOT_FOUND, "unknown path");
      return;
    }
  order_id = parts[3];

  expected = g_hash_table_lookup (self->expected, order_id);
  if (expected == NULL)
    {
      const char *ended = g_hash_table_lookup (self->ended, order_id);

      /* A replay of a real link after the sale ended; anything else is unknown. */
      if (ended != NULL && nonce != NULL && nonce_equal (ended, nonce))
        reject (self, msg, SOUP_STATUS_GONE, "sale ended");
      else
        reject (self, msg, SOUP_STATUS_NOT_FOUND, "unknown order");
      return;
    }

  if (!nonce_equal (expected, nonce))
    {
      reject (self, msg, SOUP_STATUS_NOT_FOUND, "wrong nonce");
      return;
    }

  if (kind == KP_CALLBACK_APPROVE && (pg_token == NULL || *pg_token == '\0' ||
                                      strlen (pg_token) > 100))
    {
      self->n_rejected++;
      respond_page (msg, SOUP_STATUS_BAD_REQUEST, "결제 정보가 없습니다", "Missing payment token",
                    "계산대 직원에게 문의해 주세요.", "Please ask the cashier.");
      return;
    }

  g_debug ("%s callback for %s", kind_names[kind], order_id);
  respond_outcome (msg, kind);
  g_signal_emit (self, signals[SIGNAL_CALLBACK], 0, order_id, kind,
                 kind == KP_CALLBACK_APPROVE ? pg_token : NULL);
}

static void
kp_approval_listener_dispose (GObject *object)
{
  KpApprovalListener *self = KP_APPROVAL_LISTENER (object);

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
  soup_server_add_handler (self->server, "/kakaopay", server_cb, self, NULL);
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
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (KP_IS_APPROVAL_LISTENER (self), FALSE);

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is a network address */
                   _("“%s” is not an IP address to listen on."), host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, port);
  return soup_server_listen (self->server, socket_address, 0, error);
}

/**
 * kp_approval_listener_dup_url:
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT` of the first listening socket
 */
char *
kp_approval_listener_dup_url (KpApprovalListener *self)
{
  GSList *uris;
  g_autofree char *text = NULL;

  g_return_val_if_fail (KP_IS_APPROVAL_LISTENER (self), NULL);

  uris = soup_server_get_uris (self->server);
  if (uris == NULL)
    return NULL;
  text = g_strdup_printf ("http://%s:%d", g_uri_get_host (uris->data),
                          g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&text);
}

/**
 * kp_approval_listener_expect:
 *
 * Accepts callbacks for @partner_order_id carrying @nonce from now on.
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

  return self->n_rejected;
}
