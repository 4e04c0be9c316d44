/* Placeholder until the package checks land. */
#include <config.h>

#include <stddef.h>

#include "checks.h"
#include "pkgdb.h"
#include "util.h"

int
vs_pkgdb_load (struct vs_check_ctx *ctx, struct vs_pkgdb **out, char **note)
{
  (void) ctx;
  *out = NULL;
  *note = vs_xstrdup ("not implemented");
  return 0;
}

void
vs_pkgdb_free (struct vs_pkgdb *db)
{
  (void) db;
}

int
vs_check_packages (struct vs_check_ctx *ctx)
{
  (void) ctx;
  return 0;
}
