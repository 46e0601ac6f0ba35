/* proc.c: fork, redirect, exec, wait with a time limit (see proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

/* Opens path onto fd in the child; returns 0, or -1. */
static int redirect(const char *path, int flags, int fd)
{
  int f = open(path, flags, 0666);
  if (f < 0)
    return -1;
  if (f != fd) {
    dup2(f, fd);
    close(f);
  }
  return 0;
}

/* The child: redirections, environment, exec; never returns. */
static void child(const dlv_proc *p)
{
  const int w = O_WRONLY | O_CREAT;
  if (redirect(p->in ? p->in : "/dev/null", O_RDONLY, STDIN_FILENO) != 0 ||
      (p->out && redirect(p->out, w | O_TRUNC, STDOUT_FILENO) != 0))
    _exit(127);
  if (p->err != NULL) {
    if (redirect(p->err, w | O_APPEND, STDERR_FILENO) != 0)
      _exit(127);
  } else if (p->out != NULL) {
    dup2(STDOUT_FILENO, STDERR_FILENO);
  }
  for (const char *const *e = p->env; e != NULL && *e != NULL; e++)
    putenv((char *)*e); /* the strings outlive the exec */
  execvp(p->argv[0], (char *const *)p->argv);
  _exit(127);
}

int dlv_run(const dlv_proc *p, char *problem, size_t size)
{
  problem[0] = '\0';
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0)
    child(p);
  if (pid < 0) {
    snprintf(problem, size, "(cannot start: %s)", strerror(errno));
    return -1;
  }
  int status;
  time_t start = time(NULL);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (time(NULL) - start > p->timeout_s) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      snprintf(problem, size, "(timed out after %d s)", p->timeout_s);
      return -1;
    }
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  if (WIFSIGNALED(status)) {
    snprintf(problem, size, "(killed by signal %d)", WTERMSIG(status));
    return -1;
  }
  int code = WEXITSTATUS(status);
  if (code == 127)
    snprintf(problem, size, "(could not execute %s)", p->argv[0]);
  return code;
}
