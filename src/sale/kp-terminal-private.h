/* kp-terminal-private.h: what KpTerminal's files share
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-receipt-printer.h"
#include "kp-sandbox.h"
#include "kp-terminal.h"

G_BEGIN_DECLS

struct _KpTerminal
{
  GObject             parent_instance;

  KpSettings         *settings;
  KpSecretStore      *secrets;
  KpSandbox          *sandbox;
  KpClient           *client;
  KpApprovalListener *listener;
  KpRelayClient      *relay;
  KpJournal          *journal;
  KpReconciler       *reconciler;
  KpRefunder         *refunder;
  KpCheckout         *checkout;
  KpReceiptPrinter   *receipt_printer;  /* the settings' printer; NULL until one prints */
  GObject            *shop_replicator;  /* KpShopReplicator; NULL: no shop database */
  char               *shop_password;    /* from --shop-db, for the keyring */
  char               *shop_conninfo;    /* what shop_replicator replicates to */
  guint               shop_serial;

  char               *journal_path;
  char               *callback_base;
  char               *listen_address;   /* what the listener is bound to; NULL: unbound */
  char               *relay_url;
  char               *relay_token_digest;
  KpApprovalListener *relay_listener;   /* borrowed: the listener the relay feeds */
  char               *sandbox_key;
  char               *cid_secret;       /* from the keyring; NULL: none */
  char               *setup_error;
  char               *journal_error;
  GPtrArray          *retired;          /* services a sale in flight may still use */
  guint               reload_id;
  guint               reload_serial;
  gboolean            test_mode;
  gboolean            test_cid;         /* KakaoPay's test merchant: no money moves */
  gboolean            services_started;
  gboolean            services_built;
};

void     _kp_terminal_start_services  (KpTerminal *self);
void     _kp_terminal_reload_services (KpTerminal *self);
gboolean _kp_terminal_relay_mode      (KpTerminal *self);
void     _kp_terminal_wipe_free       (char       *secret);

/* kp-terminal-shop.c */
void     _kp_terminal_start_shop          (KpTerminal   *self);
void     _kp_terminal_stop_shop           (KpTerminal   *self);
void     _kp_terminal_class_init_shop     (GObjectClass *object_class);

/* kp-terminal-receipts.c */
void     _kp_terminal_class_init_receipts (GObjectClass *object_class);
void     _kp_terminal_watch_receipts      (KpTerminal   *self);

G_END_DECLS
