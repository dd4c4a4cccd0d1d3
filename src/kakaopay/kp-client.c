/* kp-client.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-client.h"
#include "kp-codec.h"

typedef enum
{
  CALL_READY,
  CALL_APPROVE,
  CALL_ORDER,
  CALL_CANCEL,
} CallKind;

static const char * const call_names[] = { "ready", "approve", "order", "cancel" };

struct _KpClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *secret_key;
  KpDialect    dialect;
  guint        timeout;
};

G_DEFINE_FINAL_TYPE (KpClient, kp_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_DIALECT,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  CallKind     kind;
  SoupMessage *message;
  gboolean     wrote_body;
  gint64       started_us;
} CallData;

/**
 * kp_endpoint_is_loopback:
 * @host: (nullable): a host name or address, as in a URL (IPv6 with or without brackets)
 *
 * Returns: whether @host is this computer: localhost, 127.0.0.0/8 or ::1
 */
gboolean
kp_endpoint_is_loopback (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;
  g_autofree char *bare = NULL;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;
  bare = host[0] == '[' && g_str_has_suffix (host, "]") ? g_strndup (host + 1, strlen (host) - 2)
                                                        : g_strdup (host);
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * kp_endpoint_check_transport:
 * @url: an API base URL or a relay URL
 * @error: return location for a #GError
 *
 * The one rule for where secrets may travel when payments are real: over https://,
 * or over plain http:// only to this computer (localhost, 127.0.0.0/8, ::1), where
 * nothing crosses a network. Fails with %G_IO_ERROR_NOT_SUPPORTED and a translated
 * message for any other http:// address, and with %G_IO_ERROR_INVALID_ARGUMENT for
 * what is not an http(s) URL.
 *
 * Returns: %TRUE when @url may carry the secret key or a relay token
 */
gboolean
kp_endpoint_check_transport (const char  *url,
                             GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      /* Translators: %s is what was given as an address */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an address starting with https://."), url);
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "https") == 0 || kp_endpoint_is_loopback (g_uri_get_host (uri)))
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               /* Translators: %s is the address; keep https:// and http:// */
               _("%s is not encrypted: with real payments the secret key and the relay token "
                 "travel only over https://. Use an https:// address (plain http:// only to "
                 "this computer: localhost, 127.0.0.1 or ::1)."),
               url);
  return FALSE;
}

static void
call_data_free (CallData *data)
{
  g_clear_object (&data->message);
  g_free (data);
}

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      memset (*secret, 0, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

static const char *
call_path (KpDialect dialect,
           CallKind  kind)
{
  static const char * const online[] = {
    "/online/v1/payment/ready", "/online/v1/payment/approve",
    "/online/v1/payment/order", "/online/v1/payment/cancel",
  };
  static const char * const legacy[] = {
    "/v1/payment/ready", "/v1/payment/approve", "/v1/payment/order", "/v1/payment/cancel",
  };

  return dialect == KP_DIALECT_LEGACY ? legacy[kind] : online[kind];
}

static void
on_wrote_body_cb (SoupMessage *message,
                  gpointer     user_data)
{
  CallData *data = user_data;

  data->wrote_body = TRUE;
}

/* Maps a transport failure to what the journal needs to know: could KakaoPay have
 * processed the request? Only a request whose body was completely written can have
 * been; anything that failed before that (refused connection, name lookup, TLS
 * handshake) certainly was not. */
static GError *
transport_error (CallData     *data,
                 const GError *error)
{
  const char *name = call_names[data->kind];

  if (!data->wrote_body)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return g_error_copy (error);
      g_debug ("%s was not sent", name);
      return g_error_new (KP_API_ERROR, KP_API_ERROR_NOT_SENT,
                          /* Translators: %s is the system's reason, e.g. "Connection refused" */
                          _("Could not reach KakaoPay: %s. Nothing was sent; check the network "
                            "and try again."),
                          error->message);
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (KP_API_ERROR, KP_API_ERROR_OUTCOME_UNKNOWN,
                                _("The request to KakaoPay was stopped after it was sent; "
                                  "its outcome is unknown until the payment is checked."));

  g_debug ("no reply to %s", name);
  return g_error_new (KP_API_ERROR, KP_API_ERROR_OUTCOME_UNKNOWN,
                      /* Translators: %s is the system's reason, e.g. "Socket I/O timed out" */
                      _("No reply from KakaoPay (%s). The request may have been processed; "
                        "the payment will be checked."),
                      error->message);
}

static gpointer
decode_reply (CallKind     kind,
              JsonObject  *object,
              GError     **error)
{
  switch (kind)
    {
    case CALL_READY:
      return kp_codec_ready_reply (object, error);
    case CALL_APPROVE:
      return kp_codec_approve_reply (object, error);
    case CALL_ORDER:
      return kp_codec_order_reply (object, error);
    case CALL_CANCEL:
      return kp_codec_cancel_reply (object, error);
    default:
      g_assert_not_reached ();
    }
}

static GDestroyNotify
reply_free_func (CallKind kind)
{
  switch (kind)
    {
    case CALL_READY:
      return (GDestroyNotify) kp_ready_reply_free;
    case CALL_APPROVE:
      return (GDestroyNotify) kp_approve_reply_free;
    case CALL_ORDER:
      return (GDestroyNotify) kp_order_reply_free;
    case CALL_CANCEL:
      return (GDestroyNotify) kp_cancel_reply_free;
    default:
      g_assert_not_reached ();
    }
}

static GError *
http_error (CallData *data,
            guint     status,
            GBytes   *body)
{
  g_autoptr (JsonObject) object = kp_codec_parse_object (body, NULL);
  g_autofree char *message = NULL;
  g_autofree char *result_code = NULL;
  g_autofree char *result_message = NULL;
  GError *error = NULL;
  int code = 0;

  if (object != NULL &&
      kp_codec_parse_error (object, &code, &message, &result_code, &result_message))
    {
      kp_api_error_set_reply (&error, status, code, message, result_code, result_message);
      return error;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      kp_api_error_set_reply (&error, status, KP_CODE_UNAUTHORIZED, NULL, NULL, NULL);
      return error;
    }

  if (status >= 500 || status < 400)
    return g_error_new (KP_API_ERROR, KP_API_ERROR_SERVER_ERROR,
                        /* Translators: %u is an HTTP status such as 500 */
                        _("KakaoPay answered with HTTP error %u. The request may have been "
                          "processed; the payment will be checked."),
                        status);

  /* A 4xx without KakaoPay's error body (a proxy, a wrong address): not processed. */
  kp_api_error_set_reply (&error, status, 0, soup_status_get_phrase (status), NULL, NULL);
  return error;
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (source);
  g_autoptr (GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonObject) object = NULL;
  gpointer reply;
  guint status;

  body = soup_session_send_and_read_finish (session, result, &error);
  if (body == NULL)
    {
      g_debug ("%s failed after %" G_GINT64_FORMAT " ms, body %s: %s", call_names[data->kind],
               (g_get_monotonic_time () - data->started_us) / 1000,
               data->wrote_body ? "sent" : "not sent", error->message);
      g_task_return_error (task, transport_error (data, error));
      return;
    }

  status = soup_message_get_status (data->message);
  g_debug ("%s -> HTTP %u in %" G_GINT64_FORMAT " ms", call_names[data->kind], status,
           (g_get_monotonic_time () - data->started_us) / 1000);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, http_error (data, status, body));
      return;
    }

  object = kp_codec_parse_object (body, &error);
  if (object == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  reply = decode_reply (data->kind, object, &error);
  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, reply, reply_free_func (data->kind));
}

static void
kp_client_call (KpClient            *self,
                CallKind             kind,
                JsonObject          *params,
                GCancellable        *cancellable,
                gpointer             source_tag,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  SoupMessageHeaders *headers;
  const char *content_type = NULL;
  CallData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (self->secret_key == NULL || *self->secret_key == '\0')
    {
      g_task_return_new_error (task, KP_API_ERROR, KP_API_ERROR_INVALID_REQUEST,
                               _("No KakaoPay secret key is set for this terminal."));
      return;
    }

  url = g_strconcat (self->base_url, call_path (self->dialect, kind), NULL);
  data = g_new0 (CallData, 1);
  data->kind = kind;
  data->started_us = g_get_monotonic_time ();
  data->message = soup_message_new (SOUP_METHOD_POST, url);
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);
  if (data->message == NULL)
    {
      g_task_return_new_error (task, KP_API_ERROR, KP_API_ERROR_INVALID_REQUEST,
                               /* Translators: %s is a URL */
                               _("The KakaoPay address “%s” is not valid."), self->base_url);
      return;
    }

  /* Payment calls change money: never let the HTTP layer re-send one by itself on a
   * fresh connection after a reused one closed. Only order is safe to repeat. */
  if (kind == CALL_ORDER)
    soup_message_add_flags (data->message, SOUP_MESSAGE_IDEMPOTENT);
  else
    soup_message_add_flags (data->message, SOUP_MESSAGE_NEW_CONNECTION);

  body = kp_codec_encode (self->dialect, params, &content_type);
  soup_message_set_request_body_from_bytes (data->message, content_type, body);
  headers = soup_message_get_request_headers (data->message);
  authorization = g_strconcat (self->dialect == KP_DIALECT_LEGACY ? "KakaoAK " : "SECRET_KEY ",
                               self->secret_key, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  memset (authorization, 0, strlen (authorization));

  g_signal_connect (data->message, "wrote-body", G_CALLBACK (on_wrote_body_cb), data);

  g_debug ("%s (%s dialect) -> %s", call_names[kind], kp_dialect_to_string (self->dialect),
           call_path (self->dialect, kind));
  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_DEFAULT,
                                    cancellable, send_cb, g_steal_pointer (&task));
}

static gpointer
kp_client_call_finish (KpClient      *self,
                       GAsyncResult  *result,
                       gpointer       source_tag,
                       GError       **error)
{
  g_return_val_if_fail (KP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A typed request as the parameters of its call, once it is checked. */
static JsonObject *
encode_request (CallKind        kind,
                gconstpointer   request,
                GError        **error)
{
  switch (kind)
    {
    case CALL_READY:
      return kp_ready_request_validate (request, error) ? kp_codec_ready_params (request) : NULL;
    case CALL_APPROVE:
      return kp_approve_request_validate (request, error)
               ? kp_codec_approve_params (request) : NULL;
    case CALL_ORDER:
      return kp_order_request_validate (request, error) ? kp_codec_order_params (request) : NULL;
    case CALL_CANCEL:
      return kp_cancel_request_validate (request, error)
               ? kp_codec_cancel_params (request) : NULL;
    default:
      g_assert_not_reached ();
    }
}

/* One call of the typed API: its request checked first, then sent. */
static void
start_call (KpClient            *self,
            CallKind             kind,
            gconstpointer        request,
            GCancellable        *cancellable,
            gpointer             source_tag,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr (JsonObject) params = NULL;
  GError *invalid = NULL;

  params = encode_request (kind, request, &invalid);
  if (params == NULL)
    {
      g_autoptr (GTask) task = g_task_new (self, NULL, callback, user_data);

      g_task_set_source_tag (task, source_tag);
      g_task_return_error (task, invalid);
      return;
    }
  kp_client_call (self, kind, params, cancellable, source_tag, callback, user_data);
}

static void
kp_client_dispose (GObject *object)
{
  KpClient *self = KP_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (kp_client_parent_class)->dispose (object);
}

static void
kp_client_finalize (GObject *object)
{
  KpClient *self = KP_CLIENT (object);

  g_free (self->base_url);
  clear_secret (&self->secret_key);

  G_OBJECT_CLASS (kp_client_parent_class)->finalize (object);
}

static void
kp_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  KpClient *self = KP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_DIALECT:
      g_value_set_int (value, self->dialect);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  KpClient *self = KP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      kp_client_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_DIALECT:
      kp_client_set_dialect (self, g_value_get_int (value));
      break;
    case PROP_TIMEOUT:
      kp_client_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_client_class_init (KpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_client_dispose;
  object_class->finalize = kp_client_finalize;
  object_class->get_property = kp_client_get_property;
  object_class->set_property = kp_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIALECT] =
    g_param_spec_int ("dialect", NULL, NULL, KP_DIALECT_ONLINE, KP_DIALECT_LEGACY,
                      KP_DIALECT_ONLINE,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, KP_CLIENT_DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_client_init (KpClient *self)
{
  self->timeout = KP_CLIENT_DEFAULT_TIMEOUT;
  self->base_url = g_strdup (KP_ONLINE_BASE_URL);
  self->session = soup_session_new_with_options ("timeout", self->timeout,
                                                 "idle-timeout", 60,
                                                 "user-agent", "kakaopay-pos/" PACKAGE_VERSION,
                                                 NULL);
}

/**
 * kp_client_new:
 * @base_url: (nullable): scheme, host and port the dialect's paths are appended to;
 *   %NULL for KakaoPay's own host of @dialect
 * @dialect: the API dialect
 * @secret_key: (nullable): the bare secret key (online) or admin key (legacy); the
 *   client adds the dialect's scheme
 */
KpClient *
kp_client_new (const char *base_url,
               KpDialect   dialect,
               const char *secret_key)
{
  KpClient *self = g_object_new (KP_TYPE_CLIENT, "dialect", dialect, NULL);

  kp_client_set_base_url (self, base_url);
  kp_client_set_secret_key (self, secret_key);
  return self;
}

const char *
kp_client_get_base_url (KpClient *self)
{
  g_return_val_if_fail (KP_IS_CLIENT (self), NULL);

  return self->base_url;
}

void
kp_client_set_base_url (KpClient   *self,
                        const char *base_url)
{
  g_autofree char *url = NULL;

  g_return_if_fail (KP_IS_CLIENT (self));

  if (base_url == NULL || *base_url == '\0')
    base_url = self->dialect == KP_DIALECT_LEGACY ? KP_LEGACY_BASE_URL : KP_ONLINE_BASE_URL;

  url = g_strdup (base_url);
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';

  if (g_strcmp0 (url, self->base_url) == 0)
    return;

  g_free (self->base_url);
  self->base_url = g_steal_pointer (&url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

KpDialect
kp_client_get_dialect (KpClient *self)
{
  g_return_val_if_fail (KP_IS_CLIENT (self), KP_DIALECT_ONLINE);

  return self->dialect;
}

void
kp_client_set_dialect (KpClient  *self,
                       KpDialect  dialect)
{
  g_return_if_fail (KP_IS_CLIENT (self));

  if (self->dialect == dialect)
    return;

  self->dialect = dialect;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIALECT]);
}

/**
 * kp_client_set_secret_key:
 *
 * Sets the bare key. It is kept only in memory, cleared when replaced, and never
 * logged; there is deliberately no getter.
 */
void
kp_client_set_secret_key (KpClient   *self,
                          const char *secret_key)
{
  g_autofree char *key = NULL;

  g_return_if_fail (KP_IS_CLIENT (self));

  key = g_strstrip (g_strdup (secret_key != NULL ? secret_key : ""));
  clear_secret (&self->secret_key);
  if (*key != '\0')
    self->secret_key = g_steal_pointer (&key);
  else
    clear_secret (&key);
}

gboolean
kp_client_has_secret_key (KpClient *self)
{
  g_return_val_if_fail (KP_IS_CLIENT (self), FALSE);

  return self->secret_key != NULL;
}

guint
kp_client_get_timeout (KpClient *self)
{
  g_return_val_if_fail (KP_IS_CLIENT (self), 0);

  return self->timeout;
}

/**
 * kp_client_set_timeout:
 * @seconds: how long to wait for a connection or a reply before the call ends with
 *   %KP_API_ERROR_NOT_SENT or %KP_API_ERROR_OUTCOME_UNKNOWN
 */
void
kp_client_set_timeout (KpClient *self,
                       guint     seconds)
{
  g_return_if_fail (KP_IS_CLIENT (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  g_object_set (self->session, "timeout", seconds, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
kp_client_ready_async (KpClient             *self,
                       const KpReadyRequest *request,
                       GCancellable         *cancellable,
                       GAsyncReadyCallback   callback,
                       gpointer              user_data)
{
  g_return_if_fail (KP_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  start_call (self, CALL_READY, request, cancellable, kp_client_ready_async, callback, user_data);
}

KpReadyReply *
kp_client_ready_finish (KpClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return kp_client_call_finish (self, result, kp_client_ready_async, error);
}

void
kp_client_approve_async (KpClient               *self,
                         const KpApproveRequest *request,
                         GCancellable           *cancellable,
                         GAsyncReadyCallback     callback,
                         gpointer                user_data)
{
  g_return_if_fail (KP_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  start_call (self, CALL_APPROVE, request, cancellable, kp_client_approve_async, callback, user_data);
}

KpApproveReply *
kp_client_approve_finish (KpClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return kp_client_call_finish (self, result, kp_client_approve_async, error);
}

void
kp_client_order_async (KpClient             *self,
                       const KpOrderRequest *request,
                       GCancellable         *cancellable,
                       GAsyncReadyCallback   callback,
                       gpointer              user_data)
{
  g_return_if_fail (KP_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  start_call (self, CALL_ORDER, request, cancellable, kp_client_order_async, callback, user_data);
}

KpOrderReply *
kp_client_order_finish (KpClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return kp_client_call_finish (self, result, kp_client_order_async, error);
}

void
kp_client_cancel_async (KpClient              *self,
                        const KpCancelRequest *request,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_return_if_fail (KP_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  start_call (self, CALL_CANCEL, request, cancellable, kp_client_cancel_async, callback, user_data);
}

KpCancelReply *
kp_client_cancel_finish (KpClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return kp_client_call_finish (self, result, kp_client_cancel_async, error);
}
