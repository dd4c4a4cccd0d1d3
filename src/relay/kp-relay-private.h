/* kp-relay-private.h: what the relay's files share
 *
 * The relay object, its terminals and their events (kp-relay.c, kp-relay-config.c,
 * kp-relay-queue.c, kp-relay-callback.c, kp-relay-http.c, kp-relay-socket.c), and the
 * request handling without a connection that the fuzzer drives (kp_relay_handle(),
 * kp_relay_take_socket_message()).
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kp-approval-listener.h"
#include "kp-relay.h"

G_BEGIN_DECLS

/* The network thread: libwebsockets on libev, behind the door (kp-relay-server.c). */
typedef struct _KpRelayServer KpRelayServer;
/* libwebsockets' connection, without its header here. */
struct lws;
/* The events in PostgreSQL (kp-relay-store.c). */
typedef struct _KpRelayStore KpRelayStore;

typedef struct
{
  gint64    id;
  char     *order_id;
  char     *pg_token;
  KpCallbackKind kind;
  gint64    created;       /* monotonic µs */
  JsonNode *node;
  char     *text;          /* node as sent on a WebSocket */
} KpRelayEvent;

typedef struct
{
  KpRelay           *relay;               /* borrowed */
  char              *name;
  char              *token;
  gint64             last_id;
  GQueue             events;              /* KpRelayEvent *, oldest first, unacknowledged */
  GHashTable        *taken;               /* "kind order" → gint64 *: link expiry (s) */
  GPtrArray         *sockets;             /* struct lws *, oldest first; network thread */
  gint               kick_pending;        /* atomic: a kick is on its way */
  gint               kick_answers_poll;   /* atomic: the kick answers a waiting poll */
  struct lws        *poll;                /* network thread: a long poll waiting */
  gint64             poll_after;          /* network thread */
  gint               polling;             /* atomic: poll is set */
  guint64            n_dropped;

  /* With a database (kp-relay-sync.c): events and last_id are a copy of its queue, kept
   * while the terminal is connected here. */
  gboolean           synced;              /* lock: the copy is up to date */
  gint               n_sockets;           /* atomic */
  gboolean           fetching;            /* main thread */
  gboolean           refetch;             /* main thread: fetch again once it is in */
  gboolean           poll_on_fetch;       /* main thread: answer the poll with the fetch */
  gint64             acked;               /* lock: the highest acknowledgement */
  gboolean           ack_scheduled;       /* lock: in relay->acks */
  gint64             ack_stored;          /* main thread: the highest one sent to the database */
} KpRelayTerminal;

struct _KpRelay
{
  GObject      parent_instance;

  KpRelayServer *server;
  GHashTable  *terminals;                 /* name → KpRelayTerminal */
  char        *listen;
  char        *public_url;
  guint        max_event_age;
  guint        max_events;
  guint        max_connections;
  guint        head_timeout;
  guint        prune_id;
  guint        n_rejected;
  gboolean     websocket_enabled;
  gint64       clock_offset;              /* µs, kp_relay_advance_clock () */
  char        *epoch;                     /* this run's name, random; or the database's */
  char        *database;                  /* libpq's conninfo: secret */
  guint        database_connections;
  KpRelayStore *store;
  GPtrArray    *acks;                     /* lock: KpRelayTerminal * with an ack to store */
  guint         acks_id;                  /* lock: the idle that stores them */

  /* Every connection lives on the network thread (libwebsockets on libev's epoll loop:
   * GLib polls every descriptor of a context on each iteration, so a thousand idle
   * sockets on GLib's loop would slow every customer's request); the database, the
   * timers and everything else on the main thread. The lock guards the terminals' event
   * queues (and ids), shared by the two. */
  GMutex        lock;
};

typedef enum
{
  KP_RELAY_REPLY_PAGE,     /* the callback page for status and callback */
  KP_RELAY_REPLY_JSON,     /* status and body */
  KP_RELAY_REPLY_TEXT,     /* status and a plain text body */
  KP_RELAY_REPLY_EMPTY,    /* status alone */
  KP_RELAY_REPLY_UPGRADE,  /* accept the WebSocket handshake */
  KP_RELAY_REPLY_POLL,     /* hold the long poll for an event after after, wait seconds */
  KP_RELAY_REPLY_STORE,    /* store the callback in the database, then the page */
} KpRelayReplyKind;

typedef struct
{
  KpRelayReplyKind  kind;
  guint             status;
  KpCallbackKind    callback;
  char             *body;          /* JSON */
  const char       *allow;         /* the headers to add, if not NULL */
  const char       *authenticate;
  gpointer          terminal;      /* UPGRADE, POLL and STORE: the relay's own */
  gint64            after;
  gint64            wait;
  char             *order_id;      /* STORE: the callback */
  char             *nonce;
  char             *pg_token;
  gint64            expires;
} KpRelayReply;

void     kp_relay_handle              (KpRelay               *self,
                                       const char            *method,
                                       const char            *path,
                                       GHashTable            *query,
                                       SoupMessageHeaders    *headers,
                                       gboolean               websocket,
                                       KpRelayReply          *reply);
void     _kp_relay_handle_request     (KpRelay               *self,
                                       const char            *method,
                                       const char            *path,
                                       GHashTable            *query,
                                       const char            *authorization,
                                       gboolean               websocket,
                                       KpRelayReply          *reply);
void     kp_relay_reply_clear         (KpRelayReply          *reply);
gboolean kp_relay_take_socket_message (KpRelay               *self,
                                       const char            *terminal,
                                       SoupWebsocketDataType  type,
                                       GBytes                *message);

/* kp-relay-queue.c: terminals, their event queues and epochs */
gint64           _kp_relay_now                       (KpRelay           *self);
gint64           _kp_relay_wall_now                  (KpRelay           *self);
gboolean         _kp_relay_is_this_epoch             (KpRelay           *self,
                                                      const char        *epoch);
char            *_kp_relay_json_to_text              (JsonNode          *root);
KpRelayTerminal *_kp_relay_terminal_new              (KpRelay           *self,
                                                      const char        *name,
                                                      char              *token);
void             _kp_relay_terminal_free             (KpRelayTerminal   *terminal);
void             _kp_relay_terminal_prune            (KpRelayTerminal   *terminal);
void             _kp_relay_terminal_prune_taken      (KpRelayTerminal   *terminal);
void             _kp_relay_terminal_ack              (KpRelayTerminal   *terminal,
                                                      gint64             id);
void             _kp_relay_terminal_enqueue          (KpRelayTerminal   *terminal,
                                                      KpCallbackKind     kind,
                                                      const char        *order_id,
                                                      const char        *nonce,
                                                      const char        *pg_token,
                                                      gint64             expires);
gboolean         _kp_relay_terminal_has_events_after (KpRelayTerminal   *terminal,
                                                      gint64             after);
char            *_kp_relay_events_body               (KpRelayTerminal   *terminal,
                                                      gint64             after);

KpRelayEvent    *_kp_relay_event_new                 (KpRelayTerminal   *terminal,
                                                      gint64             id,
                                                      KpCallbackKind     kind,
                                                      const char        *order_id,
                                                      const char        *nonce,
                                                      const char        *pg_token);
void             _kp_relay_event_free                (KpRelayEvent      *event);

/* kp-relay-store.c: the events in PostgreSQL */
typedef void (*KpRelayStoreDone) (gint64   id,
                                  gpointer user_data);

gboolean         _kp_relay_store_check_conninfo      (const char        *conninfo);
KpRelayStore    *_kp_relay_store_new                 (KpRelay           *relay,
                                                      const char        *conninfo,
                                                      guint              n_connections);
void             _kp_relay_store_start               (KpRelayStore      *store);
void             _kp_relay_store_free                (KpRelayStore      *store);
gboolean         _kp_relay_store_is_online           (KpRelayStore      *store);
void             _kp_relay_store_enqueue             (KpRelayStore      *store,
                                                      const char        *terminal,
                                                      KpCallbackKind     kind,
                                                      const char        *order_id,
                                                      const char        *nonce,
                                                      const char        *pg_token,
                                                      gint64             expires,
                                                      KpRelayStoreDone   done,
                                                      gpointer           user_data,
                                                      GDestroyNotify     destroy);
void             _kp_relay_store_fetch               (KpRelayStore      *store,
                                                      KpRelayTerminal   *terminal);
void             _kp_relay_store_ack                 (KpRelayStore      *store,
                                                      GPtrArray         *terminals,
                                                      GArray            *ids);
void             _kp_relay_store_prune               (KpRelayStore      *store);

/* kp-relay-sync.c: the copies of the database's queues, main thread unless said */
gboolean         _kp_relay_is_online                 (KpRelay           *self);
char            *_kp_relay_dup_terminal_array        (KpRelay           *self);
void             _kp_relay_set_epoch                 (KpRelay           *self,
                                                      const char        *epoch);
void             _kp_relay_store_resync              (KpRelay           *self);
void             _kp_relay_store_desync              (KpRelay           *self);
void             _kp_relay_store_take_notice         (KpRelay           *self,
                                                      JsonObject        *notice);
void             _kp_relay_terminal_fetch            (KpRelayTerminal   *terminal);
void             _kp_relay_terminal_take_fetched     (KpRelayTerminal   *terminal,
                                                      gint64             last_id,
                                                      GPtrArray         *events);
void             _kp_relay_terminal_schedule_ack     (KpRelayTerminal   *terminal,
                                                      gint64             id);
void             _kp_relay_terminal_socket_opened    (KpRelayTerminal   *terminal);
void             _kp_relay_store_callback            (KpRelay           *self,
                                                      guint64            session,
                                                      KpRelayReply      *reply);

/* kp-relay-callback.c: the customers' callbacks */
void             _kp_relay_refuse_callback           (KpRelay           *self,
                                                      KpRelayReply      *reply,
                                                      guint              status,
                                                      const char        *why);
void             _kp_relay_handle_callback           (KpRelay           *self,
                                                      KpRelayTerminal   *terminal,
                                                      const char        *rest,
                                                      GHashTable        *query,
                                                      KpRelayReply      *reply);

/* kp-relay-http.c: deciding the answer to a request */
gboolean         _kp_relay_parse_target              (const char        *target,
                                                      char             **out_path,
                                                      GHashTable       **out_query);
void             _kp_relay_health                    (KpRelay           *self,
                                                      guint             *out_status,
                                                      const char       **out_text);

/* kp-relay-server.c: the network thread (any thread unless said) */
KpRelayServer   *_kp_relay_server_new                (KpRelay           *self,
                                                      GError           **error);
gboolean         _kp_relay_server_listen             (KpRelayServer     *server,
                                                      const char        *host,
                                                      guint16            port,
                                                      GError           **error);
char            *_kp_relay_server_dup_url            (KpRelayServer     *server);
void             _kp_relay_server_free               (KpRelayServer     *server);
void             _kp_relay_server_answer_stored      (KpRelayServer     *server,
                                                      guint64            session,
                                                      guint              status,
                                                      KpCallbackKind     kind);
void             _kp_relay_terminal_kick             (KpRelayTerminal   *terminal,
                                                      gboolean           answer_poll);

/* kp-relay-socket.c: a terminal's WebSockets, on the network thread */
void             _kp_relay_socket_opened             (KpRelayTerminal   *terminal,
                                                      struct lws        *wsi);
void             _kp_relay_socket_closed             (KpRelayTerminal   *terminal,
                                                      struct lws        *wsi);
int              _kp_relay_socket_writable           (KpRelayTerminal   *terminal,
                                                      struct lws        *wsi,
                                                      gint64            *sent_up_to,
                                                      GQueue            *answers);
char            *_kp_relay_socket_take_message       (KpRelayTerminal   *terminal,
                                                      GBytes            *message);
int              _kp_relay_socket_received           (KpRelayTerminal   *terminal,
                                                      struct lws        *wsi,
                                                      const char        *data,
                                                      gsize              length,
                                                      GQueue            *answers);

G_END_DECLS
