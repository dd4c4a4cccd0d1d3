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

/* After a 413 the rest of the body is read and dropped for a moment before the socket
 * closes: closing with unread input makes the kernel send a reset, which can destroy
 * the answer before the client reads it. */
#define DRAIN_MAX_BYTES (256 * 1024)
#define DRAIN_SECONDS   2

#define KAKAOPAY_PREFIX "/kakaopay/"

struct _KpApprovalListener
{
  GObject     parent_instance;

  SoupServer *server;
  GHashTable *expected;     /* partner_order_id → nonce */
  GHashTable *ended;        /* partner_order_id → nonce */
  GQueue      ended_order;
  GHashTable *connections;  /* SoupServerMessage (weak) → Connection */
  guint       n_rejected;
};

/* A connection being served: its request, until the message is finalized. */
typedef struct
{
  GSocket *socket;
  guint    deadline_id;
} Connection;

/* A 413 written on a connection taken over from libsoup, then a lingering close. */
typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;
  GCancellable *cancellable;
  guint         timeout_id;
  gsize         drained;
  guint8        buffer[4096];
} Refusal;

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
  gsize length;

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

  /* Measured before the call: its arguments are evaluated in no fixed order, so
   * strlen (body) next to g_steal_pointer (&body) may read NULL. */
  length = strlen (body);
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), length);
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
            gsize           length,
            KpCallbackKind *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (strlen (kind_names[i]) == length && strncmp (text, kind_names[i], length) == 0)
        {
          *out_kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* A pg_token goes on to KakaoPay in a JSON or form body: printable ASCII only. */
static gboolean
pg_token_is_valid (const char *pg_token)
{
  gsize length = 0;

  if (pg_token == NULL)
    return FALSE;
  for (; pg_token[length] != '\0'; length++)
    {
      if (length >= KP_APPROVAL_LISTENER_MAX_PG_TOKEN_LENGTH ||
          !g_ascii_isgraph (pg_token[length]))
        return FALSE;
    }
  return length > 0;
}

static void
connection_free (Connection *connection)
{
  g_clear_handle_id (&connection->deadline_id, g_source_remove);
  g_clear_object (&connection->socket);
  g_free (connection);
}

static void
refusal_free (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_clear_object (&refusal->stream);
  g_clear_object (&refusal->socket);
  g_clear_object (&refusal->cancellable);
  g_free (refusal);
}

static void
on_refusal_closed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Refusal *refusal = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  refusal_free (refusal);
}

static void
refusal_close (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL,
                           on_refusal_closed_cb, refusal);
}

static void
on_refusal_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0 && refusal->drained + n < DRAIN_MAX_BYTES &&
      !g_cancellable_is_cancelled (refusal->cancellable))
    {
      refusal->drained += n;
      g_input_stream_read_async (G_INPUT_STREAM (source), refusal->buffer,
                                 sizeof refusal->buffer, G_PRIORITY_DEFAULT,
                                 refusal->cancellable, on_refusal_read_cb, refusal);
      return;
    }
  refusal_close (refusal);
}

static gboolean
on_refusal_timeout_cb (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->timeout_id = 0;
  g_cancellable_cancel (refusal->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_refusal_written_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      refusal_close (refusal);
      return;
    }

  /* The answer is out: tell the client so, then drop what it still sends. */
  if (refusal->socket != NULL)
    g_socket_shutdown (refusal->socket, FALSE, TRUE, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_DEFAULT, refusal->cancellable,
                             on_refusal_read_cb, refusal);
}

/* libsoup 3.2 reads a request's whole body into memory before any handler runs, even
 * when an early handler has set a status; only taking the connection over stops it. */
static void
refuse_body (KpApprovalListener *self,
             SoupServerMessage  *msg)
{
  static const char answer[] =
    "HTTP/1.1 413 Payload Too Large\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 22\r\n"
    "Cache-Control: no-store\r\n"
    "Connection: close\r\n"
    "\r\n"
    "Requests carry no body";
  GSocket *socket = soup_server_message_get_socket (msg);
  GIOStream *stream;
  Refusal *refusal;

  self->n_rejected++;
  g_debug ("rejected a request (413): it has a body");

  refusal = g_new0 (Refusal, 1);
  refusal->socket = socket != NULL ? g_object_ref (socket) : NULL;
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      /* Not ours to take (cannot happen in got-headers): let libsoup answer. */
      refusal_free (refusal);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      return;
    }
  refusal->stream = stream;
  refusal->cancellable = g_cancellable_new ();
  refusal->timeout_id = g_timeout_add_seconds (DRAIN_SECONDS, on_refusal_timeout_cb, refusal);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), answer,
                                   sizeof answer - 1, G_PRIORITY_DEFAULT, refusal->cancellable,
                                   on_refusal_written_cb, refusal);
}

static void
refuse_headers (KpApprovalListener *self,
                SoupServerMessage  *msg,
                guint               status,
                const char         *reason)
{
  static const char body[] = "Request too large";

  self->n_rejected++;
  g_debug ("rejected a request (%u): %s", status, reason);
  soup_server_message_set_status (msg, status, reason);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    body, sizeof body - 1);
}

static void
add_header_size (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  gsize *total = user_data;

  /* "Name: value\r\n" */
  *total += strlen (name) + strlen (value) + 4;
}

/* Runs after libsoup parsed the request line and headers, before it reads a body. */
static void
on_message_got_headers_cb (SoupServerMessage  *msg,
                           KpApprovalListener *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  gsize uri_length = 0;
  gsize header_bytes = 0;

  if (encoding == SOUP_ENCODING_CHUNKED ||
      (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
       soup_message_headers_get_content_length (headers) > 0))
    {
      refuse_body (self, msg);
      return;
    }

  if (path != NULL)
    uri_length += strlen (path);
  if (query != NULL)
    uri_length += 1 + strlen (query);
  if (uri_length > KP_APPROVAL_LISTENER_MAX_URI_LENGTH)
    {
      refuse_headers (self, msg, SOUP_STATUS_REQUEST_URI_TOO_LONG, "URI Too Long");
      return;
    }

  soup_message_headers_foreach (headers, add_header_size, &header_bytes);
  if (header_bytes > KP_APPROVAL_LISTENER_MAX_HEADER_BYTES)
    refuse_headers (self, msg, 431, "Request Header Fields Too Large");
}

/* Every answer closes its connection: libsoup 3.2 neither times out an idle kept-alive
 * connection nor closes one whose client has finished sending, and leaks its socket
 * when the client finally goes. After a "100 Continue" libsoup clears the response
 * headers, so this runs again once the request is read. */
static void
close_after_response (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
}

static void
on_message_finalized (gpointer  user_data,
                      GObject  *where_the_message_was)
{
  KpApprovalListener *self = user_data;

  g_hash_table_remove (self->connections, where_the_message_was);
}

static gboolean
on_deadline_cb (gpointer user_data)
{
  Connection *connection = user_data;

  /* libsoup reads end of input (or fails to write) and closes the connection. */
  connection->deadline_id = 0;
  g_debug ("closing a connection after %d s", KP_APPROVAL_LISTENER_TIMEOUT_SECONDS);
  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

/* A new connection (each carries one request: every answer closes it). */
static void
on_request_started_cb (SoupServer         *server,
                       SoupServerMessage  *msg,
                       KpApprovalListener *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Connection *connection;

  close_after_response (msg);
  g_signal_connect (msg, "got-body", G_CALLBACK (close_after_response), NULL);
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (on_message_got_headers_cb), self, 0);
  if (socket == NULL)
    return;

  if (g_hash_table_size (self->connections) >= KP_APPROVAL_LISTENER_MAX_CONNECTIONS)
    {
      self->n_rejected++;
      g_debug ("refused a connection: %d open", KP_APPROVAL_LISTENER_MAX_CONNECTIONS);
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
      return;
    }

  connection = g_new0 (Connection, 1);
  connection->socket = g_object_ref (socket);
  connection->deadline_id = g_timeout_add_seconds (KP_APPROVAL_LISTENER_TIMEOUT_SECONDS,
                                                   on_deadline_cb, connection);
  g_hash_table_insert (self->connections, msg, connection);
  g_object_weak_ref (G_OBJECT (msg), on_message_finalized, self);
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
  guint status;

  status = kp_approval_listener_check_request (self, soup_server_message_get_method (msg), path,
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
      respond_page (msg, status, "결제 정보가 없습니다", "Missing payment token",
                    "계산대 직원에게 문의해 주세요.", "Please ask the cashier.");
      return;
    default:
      reject (self, msg, status,
              status == SOUP_STATUS_GONE ? "sale ended" : "unknown path, order or nonce");
      return;
    }

  g_debug ("%s callback for %s", kind_names[kind], order_id);
  respond_outcome (msg, kind);
  g_signal_emit (self, signals[SIGNAL_CALLBACK], 0, order_id, kind, pg_token);
}

static void
kp_approval_listener_dispose (GObject *object)
{
  KpApprovalListener *self = KP_APPROVAL_LISTENER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  /* Messages may outlive us (libsoup finishes requests in progress). */
  if (self->connections != NULL)
    {
      GHashTableIter iter;
      gpointer msg;

      g_hash_table_iter_init (&iter, self->connections);
      while (g_hash_table_iter_next (&iter, &msg, NULL))
        g_object_weak_unref (msg, on_message_finalized, self);
      g_hash_table_remove_all (self->connections);
    }

  G_OBJECT_CLASS (kp_approval_listener_parent_class)->dispose (object);
}

static void
kp_approval_listener_finalize (GObject *object)
{
  KpApprovalListener *self = KP_APPROVAL_LISTENER (object);

  g_hash_table_unref (self->expected);
  g_hash_table_unref (self->ended);
  g_hash_table_unref (self->connections);
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
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) connection_free);
  self->server = soup_server_new ("server-header", "kakaopay-pos ", NULL);
  /* Every path, so that anything else gets our 404 page and the same limits. */
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started_cb), self);
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
 * `n` the nonce of an expected order, and for approve a `pg_token` (see the limits in
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
  if (slash == NULL || !parse_kind (kind_text, slash - kind_text, &kind))
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
      if (ended != NULL && nonce != NULL && nonce_equal (ended, nonce))
        return SOUP_STATUS_GONE;
      return SOUP_STATUS_NOT_FOUND;
    }

  if (!nonce_equal (expected, nonce))
    return SOUP_STATUS_NOT_FOUND;

  if (kind == KP_CALLBACK_APPROVE && !pg_token_is_valid (pg_token))
    return SOUP_STATUS_BAD_REQUEST;

  *out_kind = kind;
  *out_order_id = g_strdup (order_id);
  *out_pg_token = kind == KP_CALLBACK_APPROVE ? pg_token : NULL;
  return SOUP_STATUS_OK;
}
