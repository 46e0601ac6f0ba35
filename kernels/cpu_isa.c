/* cpu_isa.c: CPU features and the DLV_ISA switch (cpu_isa.h). */
#include "cpu_isa.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dlv__cpu_has_avx512(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

int dlv__cpu_has_avx512bf16(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512bf16");
#else
  return 0;
#endif
}

/* DLV_ISA's meaning: 1 generic, 0 otherwise (unknown values reported). */
static int parse_env(void)
{
  const char *v = getenv("DLV_ISA");
  if (v == NULL || *v == '\0' || strcmp(v, "native") == 0)
    return 0;
  if (strcmp(v, "generic") == 0)
    return 1;
  fprintf(stderr, "dlverify: DLV_ISA=%s is neither \"generic\" nor "
                  "\"native\"; the kernels take the CPU's best path\n", v);
  return 0;
}

/* -1: not read yet.  Concurrent first calls read the same environment. */
static atomic_int env_generic = -1;

int dlv__isa_env_generic(void)
{
  int g = atomic_load(&env_generic);
  if (g < 0) {
    g = parse_env();
    int unread = -1;
    if (!atomic_compare_exchange_strong(&env_generic, &unread, g))
      g = unread; /* another thread stored first (the same value) */
  }
  return g;
}

int dlv__isa_get(atomic_int *state, int (*available)(void))
{
  int isa = atomic_load(state);
  if (isa < 0) {
    isa = available() && !dlv__isa_env_generic();
    atomic_store(state, isa);
  }
  return isa;
}

int dlv__isa_set(atomic_int *state, int want_simd, int (*available)(void))
{
  int now = want_simd && available();
  atomic_store(state, now);
  return now;
}
