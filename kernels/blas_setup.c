/* blas_setup.c: OpenBLAS core detection (see blas_setup.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "blas_setup.h"

/* OpenBLAS's x86-64 cores that predate AVX: what it falls back to when it
 * does not recognise a CPU. */
static int generic_core(const char *core)
{
  static const char *const generic[] = {"Prescott", "Core2",  "Penryn",
                                        "Dunnington", "Nehalem", "Atom"};
  for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
    if (core != NULL && strcmp(core, generic[i]) == 0)
      return 1;
  return 0;
}

/* The fastest OpenBLAS core whose kernels this CPU can run, or NULL.
 * __builtin_cpu_supports also checks that the OS saves the vector state
 * (XCR0), so a "yes" means the instructions are usable. */
static const char *supported_core(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") &&
      __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return "Haswell";
#endif
  return NULL;
}

void dlv_blas_core(dlv_blas_core_info *info)
{
  info->core = openblas_get_corename();
  info->forced = getenv("OPENBLAS_CORETYPE") != NULL;
  info->better = generic_core(info->core) ? supported_core() : NULL;
}

int dlv_blas_reexec_with_better_core(char **argv)
{
  dlv_blas_core_info info;
  dlv_blas_core(&info);
  if (info.better == NULL || info.forced)
    return 0;
  if (setenv("OPENBLAS_CORETYPE", info.better, 1) != 0)
    return -1;
  execv("/proc/self/exe", argv);
  unsetenv("OPENBLAS_CORETYPE"); /* execv failed: carry on unchanged */
  return -1;
}
