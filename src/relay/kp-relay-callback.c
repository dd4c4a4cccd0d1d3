/* kp-relay-callback.c: the customers' callbacks at kakaopay-relay
 *
 * `/t/{terminal}/{approve|cancel|fail}/{partner_order_id}?n={link}[&pg_token=…]`: the
 * link is checked with kp_callback_link_check(), its secret kp_relay_nonce() of the
 * terminal's token and the order id (an HMAC, so the relay knows no sale): made for this
 * kind, not expired. A good one is queued for the terminal (kp-relay-queue.c, or the
 * database: kp-relay-sync.c, the page once it is stored) and the phone gets the
 * listener's page; anything else gets an error status with a page and
 * counts as rejected.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <string.h>

#include "kp-approval-listener.h"
#include "kp-callback-page.h"
#include "kp-relay-client.h"
#include "kp-relay-private.h"

static void
reply_page (KpRelayReply   *reply,
            guint           status,
            KpCallbackKind  kind)
{
  reply->kind = KP_RELAY_REPLY_PAGE;
  reply->status = status;
  reply->callback = kind;
}

/* Counts the rejection; the phone gets the page of @page with @status. */
static void
refuse (KpRelay        *self,
        KpRelayReply   *reply,
        guint           status,
        KpCallbackKind  page,
        const char     *why)
{
  self->n_rejected++;
  g_debug ("rejected a callback (%u): %s", status, why);
  reply_page (reply, status, page);
}

void
_kp_relay_refuse_callback (KpRelay      *self,
                           KpRelayReply *reply,
                           guint         status,
                           const char   *why)
{
  refuse (self, reply, status, KP_CALLBACK_FAIL, why);
}

/* `/t/{terminal}/{approve|cancel|fail}/{partner_order_id}?n={nonce}[&pg_token=…]`, as
 * the listener checks `/kakaopay/…`, but with the stateless nonce. */
void
_kp_relay_handle_callback (KpRelay         *self,
                           KpRelayTerminal *terminal,
                           const char      *rest,
                           GHashTable      *query,
                           KpRelayReply    *reply)
{
  const char *nonce = query != NULL ? g_hash_table_lookup (query, "n") : NULL;
  const char *pg_token = query != NULL ? g_hash_table_lookup (query, "pg_token") : NULL;
  g_autofree char *secret = NULL;
  const char *slash = strchr (rest, '/');
  const char *order_id;
  KpCallbackKind kind;
  gsize order_length;
  gint64 expires = 0;

  if (slash == NULL || !kp_callback_kind_from_string (rest, slash - rest, &kind))
    {
      _kp_relay_refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "unknown path");
      return;
    }
  order_id = slash + 1;
  order_length = strnlen (order_id, KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH + 1);
  /* Not UTF-8: no terminal sent it, and it would break the events' JSON. */
  if (order_length == 0 || order_length > KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH ||
      memchr (order_id, '/', order_length) != NULL ||
      !g_utf8_validate (order_id, order_length, NULL))
    {
      _kp_relay_refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "bad order id");
      return;
    }

  secret = kp_relay_nonce (terminal->token, order_id);
  if (nonce != NULL && strnlen (nonce, KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH + 1) >
                       KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH)
    nonce = NULL;
  switch (kp_callback_link_check (secret, kind, order_id, nonce, _kp_relay_wall_now (self),
                                  &expires))
    {
    case KP_CALLBACK_LINK_VALID:
      break;
    case KP_CALLBACK_LINK_EXPIRED:
      _kp_relay_refuse_callback (self, reply, SOUP_STATUS_GONE, "link expired");
      return;
    case KP_CALLBACK_LINK_FORGED:
    default:
      _kp_relay_refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "wrong nonce");
      return;
    }

  if (kind == KP_CALLBACK_APPROVE && !kp_callback_pg_token_is_valid (pg_token))
    {
      refuse (self, reply, SOUP_STATUS_BAD_REQUEST, KP_CALLBACK_APPROVE, "no usable pg_token");
      return;
    }

  if (self->store != NULL)
    {
      /* Stored first; the page once it is in. */
      if (!_kp_relay_is_online (self))
        {
          g_debug ("a callback while the database is offline: 503");
          reply_page (reply, SOUP_STATUS_SERVICE_UNAVAILABLE, kind);
          return;
        }
      reply->kind = KP_RELAY_REPLY_STORE;
      reply->status = SOUP_STATUS_OK;
      reply->callback = kind;
      reply->terminal = terminal;
      reply->order_id = g_strndup (order_id, order_length);
      reply->nonce = g_strdup (nonce);
      reply->pg_token = kind == KP_CALLBACK_APPROVE ? g_strdup (pg_token) : NULL;
      reply->expires = expires;
      return;
    }

  _kp_relay_terminal_enqueue (terminal, kind, order_id, nonce,
                              kind == KP_CALLBACK_APPROVE ? pg_token : NULL, expires);
  reply_page (reply, SOUP_STATUS_OK, kind);
}

