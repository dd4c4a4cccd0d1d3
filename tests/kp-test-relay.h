/* kp-test-relay.h: kakaopay-relay as a process of the test's own
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kp-approval-listener.h"
#include "kp-relay-client.h"

G_BEGIN_DECLS

/* Every callback a listener emitted: "order kind pg_token" → how many times. */
typedef struct
{
  GHashTable     *seen;
  guint           n;
  char           *last_order_id;
  KpCallbackKind  last_kind;
  char           *last_pg_token;
  KpRelayClient  *stop_on_callback;   /* stopped before it acknowledges the next one */
} KpTestReceived;

/* The name or the token of terminal @i (transfer full). */
typedef char *(*KpTestTerminalFunc) (guint i);

void         kp_test_relay_write_config (const char          *path,
                                         const char          *relay_section,
                                         guint                n_terminals,
                                         KpTestTerminalFunc   terminal_name,
                                         KpTestTerminalFunc   terminal_token);
GSubprocess *kp_test_relay_spawn        (const char          *config,
                                         guint16              port,
                                         const char          *arg,
                                         char               **out_url);
void         kp_test_relay_stop         (GSubprocess        **relay,
                                         char               **url);
JsonObject  *kp_test_relay_poll_now     (SoupSession         *session,
                                         const char          *relay_url,
                                         const char          *name,
                                         const char          *token);
void         kp_test_relay_assert_state (KpRelayClient       *client,
                                         KpRelayState         state,
                                         guint                seconds);

void         kp_test_received_init      (KpTestReceived      *received,
                                         KpApprovalListener  *listener);
void         kp_test_received_clear     (KpTestReceived      *received);
guint        kp_test_received_count     (KpTestReceived      *received,
                                         const char          *key);
void         kp_test_received_wait      (KpTestReceived      *received,
                                         guint                n,
                                         guint                seconds);

G_END_DECLS
