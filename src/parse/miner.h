/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: recognise a cryptominer's configuration or command line.
 *
 * Pure parsing for the cryptominer check and a fuzzer: text in (an XMRig
 * style config.json, a starter script, a cron line), what a responder
 * wants out: the pool, the wallet (raw: the caller redacts it), the
 * donation level.  The text comes from the image: any bytes, any length;
 * every scan is bounded by the length given.
 */
#ifndef VS_MINER_H
#define VS_MINER_H

#include <stddef.h>

struct vs_miner_config {
  const char *pool;             /* the first stratum URL, or else the
                                   first "url" value; points into the
                                   text, pool_len bytes; NULL if none */
  size_t pool_len;
  const char *wallet;           /* "user"/"wallet" value, -u argument, or
                                   a Monero address; NULL if none */
  size_t wallet_len;
  int donate_level;             /* -1 when not given */
  int stratum;                  /* a stratum+...:// URL was seen */
  int known_pool;               /* a well-known mining pool was named */
  int monero_address;           /* a Monero address was seen */
};

/* Reads text (len bytes).  Returns 1 when it is a miner's configuration
 * or command line (a stratum URL, or a pool or wallet together with a
 * donation level, a known pool or a Monero address), 0 otherwise; *out
 * is filled either way. */
int vs_miner_parse (const char *text, size_t len,
                    struct vs_miner_config *out);

#endif /* VS_MINER_H */
