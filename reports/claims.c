/* claims.c: the claim data (see claims.h), one entry per claim folder:
 * checks/claims/<claim>/claim.inc, in the order of the registry
 * (checks/claims/CMakeLists.txt, which generates claim_registry.inc). */
#include <strings.h>

#include "claims.h"

const dlv_claim_info dlv_claims[] = {
#include "claim_registry.inc" /* every checks/claims/<claim>/claim.inc */
};

const size_t dlv_n_claims = sizeof dlv_claims / sizeof dlv_claims[0];

const dlv_claim_info *dlv_find_claim(const char *id)
{
  for (size_t i = 0; i < dlv_n_claims; i++)
    if (strcasecmp(dlv_claims[i].id, id) == 0)
      return &dlv_claims[i];
  return NULL;
}
