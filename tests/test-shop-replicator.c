/* test-shop-replicator.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

int
main (int   argc,
      char *argv[])
{
  return 77;
}
