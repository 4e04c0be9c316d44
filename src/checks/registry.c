/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the tables of the registry of checks (see registry.h). */
#include <config.h>

#include <string.h>

#include "checks/registry.h"

const struct vs_check_def vs_check_defs[VS_CK_COUNT] = {
#define VS_CHECK(NAME, id, FAMILY, SCOPE, run, category, description) \
  [VS_CK_##NAME] = { id, VS_FAM_##FAMILY, SCOPE, run, category, description },
#include "checks/list.h"
};

const struct vs_check_family_def vs_check_families[VS_FAM_COUNT] = {
#define VS_CHECK_FAMILY(NAME, stage, begin, end) \
  [VS_FAM_##NAME] = { stage, begin, end },
#include "checks/list.h"
};

const char *
vs_check_id (enum vs_check_name c)
{
  return vs_check_defs[c].id;
}

int
vs_check_find (const char *id)
{
  int i;

  for (i = 0; i < VS_CK_COUNT; i++)
    if (strcmp (vs_check_defs[i].id, id) == 0)
      return i;
  return -1;
}

const char *
vs_check_scope_name (enum vs_check_scope s)
{
  switch (s) {
  case VS_SCOPE_OS: return "os";
  case VS_SCOPE_OS_FS: return "os+unmounted";
  case VS_SCOPE_IMAGE: return "image";
  }
  return "?";
}
