/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: findings told as one story.
 *
 * A responder writes it by hand in a ticket: "a miner at /x, started by
 * the cron job y, configured by z".  Once the checks have run, the
 * findings of a scan are tied together:
 *
 *   runs       a persistence finding (category persistence: a cron line,
 *              a systemd unit, rc.local, ...) whose evidence names, as
 *              an absolute path, a file another finding is about
 *   uses       the same, for a path that names configuration or data by
 *              its extension (.json, .conf, .cfg, .yaml, .yml, .toml,
 *              .ini, .txt, .xml, .config)
 *   same-file  two findings about one path (a binary's YARA match and
 *              its masquerading finding)
 *
 * Each set of findings tied together (directly or not) that has a
 * finding at medium or above, and either a runs or uses link or a
 * finding of category cryptominer, malware or masquerading, is a story
 * (the stories table), worst first; its links are in finding_links.
 * The title names the subject (the program that is run, else the worst
 * finding's path), what starts it and what configures it.
 *
 * Linear in the findings and their evidence (capped by the checks);
 * paths are compared as exact bytes.
 */
#ifndef VS_CORE_STORY_H
#define VS_CORE_STORY_H

#include <stdint.h>

#include <sqlite3.h>

/* Ties the findings of scan_id in db and writes its stories; *nstories
 * is how many.  Returns 0, or -1 with *errmsg. */
int vs_story_build (sqlite3 *db, int64_t scan_id, uint64_t *nstories,
                    char **errmsg);

#endif /* VS_CORE_STORY_H */
