/* status.c: names of the status codes of dlv_status.h. */
#include "dlv_status.h"

const char *dlv_strerror(int status)
{
  switch (status) {
  case DLV_OK: return "success";
  case DLV_EINVAL: return "invalid argument";
  case DLV_EBADLEN: return "sizes do not conform or overflow";
  case DLV_EDOM: return "argument outside the domain of the function";
  case DLV_ENAN: return "NaN in input";
  case DLV_ENOMEM: return "out of memory";
  default: return "unknown status";
  }
}
