/* kp-test-server.h: helpers shared by the tests
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Collects one async result; kp_test_async_wait() iterates the thread-default main
 * context until it arrives (failing the test after 30 s) and returns it. */
typedef struct
{
  GAsyncResult *result;
} KpTestAsync;

void          kp_test_async_cb        (GObject      *source,
                                       GAsyncResult *result,
                                       gpointer      user_data);
GAsyncResult *kp_test_async_wait      (KpTestAsync  *async);

/* Like those with a GAsyncResult * slot (NULL before the call) and no time limit;
 * kp_test_result_drop() clears the slot and waits until the result is finalized. */
void          kp_test_result_cb       (GObject       *source,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
GAsyncResult *kp_test_result_wait     (GAsyncResult **slot);
void          kp_test_result_drop     (GAsyncResult **slot);

/* Sends @msg with @session while iterating the main context (so in-process servers
 * keep answering). Returns the body; sets *out_error on transport failure. */
GBytes       *kp_test_http_send       (SoupSession  *session,
                                       SoupMessage  *msg,
                                       GError      **out_error);

/* A SoupSession that does not follow redirects (so tests can read Location). */
SoupSession  *kp_test_session_new     (void);

/* A GET of @url; returns the status. */
guint         kp_test_http_get        (SoupSession  *session,
                                       const char   *url,
                                       const char   *authorization,
                                       char        **out_body);

/* Iterating the main context for a while, or until something holds. */
typedef gboolean (*KpTestCondition) (gpointer data);

void          kp_test_spin            (guint            ms);
gboolean      kp_test_wait_for        (KpTestCondition  condition,
                                       gpointer         data,
                                       guint            seconds);
gboolean      kp_test_wait_count      (const guint     *counter,
                                       guint            n,
                                       guint            seconds);

/* A loopback server answering every request with a canned reply. */
typedef struct _KpTestServer KpTestServer;

KpTestServer *kp_test_server_new      (void);
void          kp_test_server_free     (KpTestServer *server);
char         *kp_test_server_dup_url  (KpTestServer *server);
void          kp_test_server_set_reply (KpTestServer *server,
                                        guint         status,
                                        const char   *content_type,
                                        const char   *body);
/* The last request received: its path, Authorization header, content type and body. */
const char   *kp_test_server_get_last_path          (KpTestServer *server);
const char   *kp_test_server_get_last_authorization (KpTestServer *server);
const char   *kp_test_server_get_last_content_type  (KpTestServer *server);
const char   *kp_test_server_get_last_body          (KpTestServer *server);
guint         kp_test_server_get_n_requests         (KpTestServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpTestServer, kp_test_server_free)

/* An output stream that hands each complete line written to it to @func, at once and
 * on the writer's thread: with kp_sandbox_set_log_stream () a test sees every API call
 * while the sandbox handles it, before the reply leaves. */
typedef void (*KpTestLineFunc) (const char *line,
                                gpointer    user_data);

GOutputStream *kp_test_line_stream_new (KpTestLineFunc func,
                                        gpointer       user_data);

G_END_DECLS
