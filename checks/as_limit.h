/* as_limit.h: running a test body in a forked child under an
 * address-space limit (RLIMIT_AS), for the allocation contracts
 * (DLV_ENOMEM: t_lowp_alloc.c, t_hvp_alloc.c).  Header-only: static
 * functions for the tests that include it. */
#ifndef DLV_AS_LIMIT_H
#define DLV_AS_LIMIT_H

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* 1 under the sanitizers and valgrind, whose own memory an address-space
 * limit breaks: the tests skip there. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) ||         \
    defined(DLV_UNDER_VALGRIND)
#define DLV_AS_LIMIT_UNAVAILABLE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define DLV_AS_LIMIT_UNAVAILABLE 1
#endif
#endif
#ifndef DLV_AS_LIMIT_UNAVAILABLE
#define DLV_AS_LIMIT_UNAVAILABLE 0
#endif

/* The process's address space now, bytes (/proc/self/statm); -1 when it
 * cannot be read. */
static double dlv_address_space(void)
{
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long pages = 0;
  int ok = f != NULL && fscanf(f, "%lu", &pages) == 1;
  if (f != NULL)
    fclose(f);
  return ok ? (double)pages * (double)sysconf(_SC_PAGESIZE) : -1.0;
}

/* Limits the address space to what it is now plus `room` bytes; 1 when
 * the limit is set. */
static int dlv_limit_address_space(double room)
{
  double now = dlv_address_space();
  struct rlimit r = {(rlim_t)(now + room), (rlim_t)(now + room)};
  return now > 0 && setrlimit(RLIMIT_AS, &r) == 0;
}

/* Runs body(arg) in a forked child: its exit status, 100 when it died of
 * a signal (a crash), -1 when the fork or the wait failed. */
static int dlv_in_child(int (*body)(const void *), const void *arg)
{
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0)
    _exit(body(arg));
  int status = 0;
  if (waitpid(pid, &status, 0) != pid)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

#endif
