/* kp-test-server.c: helpers shared by the tests
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kp-test-server.h"

#define KP_TYPE_TEST_LINE_STREAM (kp_test_line_stream_get_type ())
G_DECLARE_FINAL_TYPE (KpTestLineStream, kp_test_line_stream, KP, TEST_LINE_STREAM, GOutputStream)

struct _KpTestLineStream
{
  GOutputStream   parent_instance;

  GString        *pending;
  KpTestLineFunc  func;
  gpointer        user_data;
};

G_DEFINE_FINAL_TYPE (KpTestLineStream, kp_test_line_stream, G_TYPE_OUTPUT_STREAM)

struct _KpTestServer
{
  SoupServer *server;
  guint       status;
  char       *content_type;
  char       *body;
  char       *last_path;
  char       *last_authorization;
  char       *last_content_type;
  char       *last_body;
  guint       n_requests;
};

void
kp_test_async_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KpTestAsync *async = user_data;

  g_assert_null (async->result);
  async->result = g_object_ref (result);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

GAsyncResult *
kp_test_async_wait (KpTestAsync *async)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (30, on_timeout_cb, &timed_out);

  while (async->result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("timed out waiting for an async result");
  g_source_remove (id);

  return g_steal_pointer (&async->result);
}

/* For an async call: keeps a reference to the result in *@user_data (a GAsyncResult *
 * slot, NULL before). */
void
kp_test_result_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* The result once the callback ran. */
GAsyncResult *
kp_test_result_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Clears *@slot, and waits until the result is finalized: a worker thread drops its
 * reference to the task just after returning. */
void
kp_test_result_drop (GAsyncResult **slot)
{
  gpointer weak = *slot;

  g_object_add_weak_pointer (weak, &weak);
  g_clear_object (slot);
  while (weak != NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      g_thread_yield ();
    }
}

GBytes *
kp_test_http_send (SoupSession  *session,
                   SoupMessage  *msg,
                   GError      **out_error)
{
  KpTestAsync async = { NULL };
  g_autoptr (GAsyncResult) result = NULL;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  return soup_session_send_and_read_finish (session, result, out_error);
}

SoupSession *
kp_test_session_new (void)
{
  return soup_session_new_with_options ("timeout", 20, NULL);
}

/* A GET of @url with @authorization (nullable); returns the status, and the body in
 * @out_body (nullable). */
guint
kp_test_http_get (SoupSession  *session,
                  const char   *url,
                  const char   *authorization,
                  char        **out_body)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;

  g_assert_nonnull (msg);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                  authorization);
  body = kp_test_http_send (session, msg, &error);
  g_assert_no_error (error);
  if (out_body != NULL)
    *out_body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_message_get_status (msg);
}

static gboolean
on_wake_cb (gpointer user_data)
{
  gboolean *woken = user_data;

  *woken = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context for @ms milliseconds. */
void
kp_test_spin (guint ms)
{
  gboolean woken = FALSE;

  g_timeout_add (ms, on_wake_cb, &woken);
  while (!woken)
    g_main_context_iteration (NULL, TRUE);
}

/* Iterates the main context until @condition holds (TRUE) or @seconds passed (FALSE). */
gboolean
kp_test_wait_for (KpTestCondition condition,
                  gpointer        data,
                  guint           seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      kp_test_spin (5);
    }
  return TRUE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  KpTestServer *self = user_data;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *req_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (req_body);

  self->n_requests++;
  g_free (self->last_path);
  self->last_path = g_strdup (path);
  g_free (self->last_authorization);
  self->last_authorization = g_strdup (soup_message_headers_get_one (req_headers, "Authorization"));
  g_free (self->last_content_type);
  self->last_content_type = g_strdup (soup_message_headers_get_one (req_headers, "Content-Type"));
  g_free (self->last_body);
  self->last_body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  soup_server_message_set_status (msg, self->status, NULL);
  soup_server_message_set_response (msg, self->content_type, SOUP_MEMORY_COPY,
                                    self->body, strlen (self->body));
}

KpTestServer *
kp_test_server_new (void)
{
  KpTestServer *self = g_new0 (KpTestServer, 1);
  g_autoptr (GError) error = NULL;

  self->server = soup_server_new (NULL, NULL);
  self->status = 200;
  self->content_type = g_strdup ("application/json;charset=UTF-8");
  self->body = g_strdup ("{}");
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  return self;
}

void
kp_test_server_free (KpTestServer *self)
{
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_free (self->content_type);
  g_free (self->body);
  g_free (self->last_path);
  g_free (self->last_authorization);
  g_free (self->last_content_type);
  g_free (self->last_body);
  g_free (self);
}

char *
kp_test_server_dup_url (KpTestServer *self)
{
  GSList *uris = soup_server_get_uris (self->server);
  g_autofree char *str = g_uri_to_string (uris->data);

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  /* Drop the trailing '/' so a path can be appended. */
  if (g_str_has_suffix (str, "/"))
    str[strlen (str) - 1] = '\0';
  return g_steal_pointer (&str);
}

void
kp_test_server_set_reply (KpTestServer *self,
                          guint         status,
                          const char   *content_type,
                          const char   *body)
{
  self->status = status;
  g_free (self->content_type);
  self->content_type = g_strdup (content_type);
  g_free (self->body);
  self->body = g_strdup (body);
}

const char *
kp_test_server_get_last_path (KpTestServer *self)
{
  return self->last_path;
}

const char *
kp_test_server_get_last_authorization (KpTestServer *self)
{
  return self->last_authorization;
}

const char *
kp_test_server_get_last_content_type (KpTestServer *self)
{
  return self->last_content_type;
}

const char *
kp_test_server_get_last_body (KpTestServer *self)
{
  return self->last_body;
}

guint
kp_test_server_get_n_requests (KpTestServer *self)
{
  return self->n_requests;
}

static gssize
kp_test_line_stream_write (GOutputStream  *stream,
                           const void     *buffer,
                           gsize           count,
                           GCancellable   *cancellable,
                           GError        **error)
{
  KpTestLineStream *self = KP_TEST_LINE_STREAM (stream);
  const char *newline;

  g_string_append_len (self->pending, buffer, count);
  while ((newline = memchr (self->pending->str, '\n', self->pending->len)) != NULL)
    {
      g_autofree char *line = g_strndup (self->pending->str, newline - self->pending->str);

      g_string_erase (self->pending, 0, newline - self->pending->str + 1);
      self->func (line, self->user_data);
    }
  return count;
}

static void
kp_test_line_stream_finalize (GObject *object)
{
  KpTestLineStream *self = KP_TEST_LINE_STREAM (object);

  g_string_free (self->pending, TRUE);

  G_OBJECT_CLASS (kp_test_line_stream_parent_class)->finalize (object);
}

static void
kp_test_line_stream_class_init (KpTestLineStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = kp_test_line_stream_finalize;
  stream_class->write_fn = kp_test_line_stream_write;
}

static void
kp_test_line_stream_init (KpTestLineStream *self)
{
  self->pending = g_string_new (NULL);
}

GOutputStream *
kp_test_line_stream_new (KpTestLineFunc func,
                         gpointer       user_data)
{
  KpTestLineStream *self = g_object_new (KP_TYPE_TEST_LINE_STREAM, NULL);

  self->func = func;
  self->user_data = user_data;
  return G_OUTPUT_STREAM (self);
}

typedef struct
{
  const guint *counter;
  guint        n;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *wait = data;

  return *wait->counter >= wait->n;
}

/* Iterates the main context until *@counter is @n or more (TRUE) or @seconds passed
 * (FALSE). */
gboolean
kp_test_wait_count (const guint *counter,
                    guint        n,
                    guint        seconds)
{
  CountWait wait = { counter, n };

  return kp_test_wait_for (count_reached, &wait, seconds);
}
