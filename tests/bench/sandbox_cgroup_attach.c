// Measures what moving a process into cgroup v1 groups costs (docs/performance.md "## Sandbox"):
// a fresh child into cgroup.procs and into tasks, two migrations back to back, and a fork from a
// thread that already sits in the groups (no migration at all). As root on a v1 host:
//   cmake --build build --target sandbox_cgroup_attach
//   build/tests/bench/sandbox_cgroup_attach /sys/fs/cgroup/memory$(grep :memory: /proc/self/cgroup | cut -d:
//   -f3)
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
static const char* H[3] = {NULL, "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpuacct"};
static char G[3][256];
static void wr(const char* d, const char* f, long v) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", d, f);
  int fd = open(p, O_WRONLY);
  char b[32];
  int n = snprintf(b, 32, "%ld", v);
  if (write(fd, b, n) != n) perror(p);
  close(fd);
}
static void rd(const char* d, const char* f, char* out) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", d, f);
  int fd = open(p, O_RDONLY);
  int n = read(fd, out, 4000);
  out[n > 0 ? n : 0] = 0;
  close(fd);
}
static double attach(pid_t pid, const char* file) {
  double t = now();
  for (int i = 0; i < 3; i++) wr(G[i], file, pid);
  return now() - t;
}
static void* th(void* unused) {
  (void)unused;
  // move this thread into the groups (tasks), then clone children from it
  double t = now();
  for (int i = 0; i < 3; i++) wr(G[i], "tasks", syscall(SYS_gettid));
  printf("thread move (tasks): %.2f ms\n", now() - t);
  for (int k = 0; k < 5; k++) {
    t = now();
    pid_t p = fork();
    if (p == 0) {
      _exit(0);
    }
    double f = now() - t;
    char buf[4096];
    rd(G[0], "cgroup.procs", buf);
    waitpid(p, 0, 0);
    printf("fork from thread in group: %.3f ms; memory procs: %s", f, buf);
  }
  return 0;
}
int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MEMORY_CGROUP_DIR (this process's own group in the v1 memory hierarchy)\n",
            argv[0]);
    return 2;
  }
  H[0] = argv[1];
  for (int i = 0; i < 3; i++) {
    snprintf(G[i], 256, "%s/exp-%d", H[i], getpid());
    mkdir(G[i], 0755);
  }
  for (int k = 0; k < 4; k++) {
    pid_t p = fork();
    if (p == 0) {
      pause();
      _exit(0);
    }
    usleep(30000);
    printf("child -> cgroup.procs: %.2f ms\n", attach(p, "cgroup.procs"));
    kill(p, 9);
    waitpid(p, 0, 0);
  }
  for (int k = 0; k < 4; k++) {
    pid_t p = fork();
    if (p == 0) {
      pause();
      _exit(0);
    }
    usleep(30000);
    printf("child -> tasks: %.2f ms\n", attach(p, "tasks"));
    kill(p, 9);
    waitpid(p, 0, 0);
  }
  for (int k = 0; k < 3; k++) {
    pid_t p = fork();
    if (p == 0) {
      pause();
      _exit(0);
    }
    pid_t q = fork();
    if (q == 0) {
      pause();
      _exit(0);
    }
    usleep(30000);
    double a = attach(p, "cgroup.procs");
    double b = attach(q, "cgroup.procs");
    printf("back-to-back: %.2f then %.2f ms\n", a, b);
    kill(p, 9);
    kill(q, 9);
    waitpid(p, 0, 0);
    waitpid(q, 0, 0);
  }
  pthread_t t;
  pthread_create(&t, 0, th, 0);
  pthread_join(t, 0);
  char b[4096];
  rd(G[2], "cpuacct.usage", b);
  printf("cpuacct after thread: %s", b);
  for (int i = 0; i < 3; i++)
    if (rmdir(G[i])) perror("rmdir");
}
