/* kp-test-shop-terminal.c: a terminal in a process of its own, for test-shop
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kp-shop-replicator-private.h"
#include "kp-test-shop.h"

/* kp-test-shop-terminal JOURNAL TERMINAL-ID CONNINFO N-SALES [read|committed]
 *
 * Sells N sales into JOURNAL while replicating to CONNINFO, waits until
 * everything is sent, prints "synced" and exits. With a stage, the first
 * batch that reaches it prints "paused SEQ" and the replicator stops there
 * for good: the test kills the process. */

static KpShopStage pause_stage;
static gboolean pausing;

static void
pause_hook (KpShopStage stage,
            gint64      last_seq,
            gpointer    user_data)
{
  if (stage != pause_stage)
    return;

  printf ("paused %" G_GINT64_FORMAT "\n", last_seq);
  fflush (stdout);
  for (;;)
    pause ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (KpShopReplicator) replicator = NULL;

  if (argc < 5)
    {
      fprintf (stderr, "usage: %s JOURNAL TERMINAL-ID CONNINFO N-SALES [read|committed]\n",
               argv[0]);
      return 2;
    }

  journal = kp_test_shop_open_journal (argv[1]);
  replicator = kp_shop_replicator_new (journal, argv[2], argv[3], NULL);
  kp_shop_replicator_set_retry_interval (replicator, 20, 200);
  kp_shop_replicator_set_batch_size (replicator, 7);
  if (argc > 5)
    {
      pause_stage = g_str_equal (argv[5], "read") ? KP_SHOP_STAGE_READ
                                                  : KP_SHOP_STAGE_COMMITTED;
      pausing = TRUE;
      _kp_shop_replicator_set_hook (replicator, pause_hook, NULL);
    }
  if (pausing)
    {
      /* Every sale is in the journal before the first batch: what the kill leaves
       * behind does not depend on how far the selling had gone. */
      kp_test_shop_sell (journal, argv[2], atoi (argv[4]));
      kp_shop_replicator_start (replicator);
    }
  else
    {
      kp_shop_replicator_start (replicator);
      kp_test_shop_sell (journal, argv[2], atoi (argv[4]));
    }
  kp_test_shop_wait_synced (replicator);

  printf ("synced\n");
  fflush (stdout);
  kp_shop_replicator_stop (replicator);
  return 0;
}
