// SandboxExecutor against real processes, as root (the CI machine) and, forked and setuid to
// nobody, as an unprivileged user; fallback mode through GRADER_SANDBOX_DISABLE. Each test
// observes one control from inside the sandbox. No sleeps for synchronisation: a run returns only
// after everything it started is dead.
#include "runners/sandbox/sandbox_executor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "runners/sandbox/cgroup.h"
#include "runners/sandbox/cgroup_dynmods.h"
#include "tests/support/cli_runner.h"
#include "tests/support/workdir_fixture.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1024 * 1024;

using testing::read_file;

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// This process's run groups in the v1 hierarchies: per-run groups (run-<pid>-N, made when the
// pool cannot be used) and pooled ones (pool-<pid>-N, reused across runs).
std::vector<fs::path> own_groups(const std::string& kind) {
  std::vector<fs::path> out;
  const std::string prefix = kind + "-" + std::to_string(::getpid()) + "-";
  for (const char* base : {"/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpuacct"}) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(base, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().filename().string().rfind(prefix, 0) == 0) out.push_back(it->path());
      if (it.depth() > 4) it.disable_recursion_pending();
    }
  }
  return out;
}

// What a run left behind (nothing may survive a run): per-run groups, and processes other than
// the grader itself (its pooled groups' helper threads) in pooled groups.
std::vector<std::string> leftover_cgroups() {
  std::vector<std::string> out;
  for (const fs::path& g : own_groups("run")) out.push_back(g.string());
  for (const fs::path& g : own_groups("pool")) {
    std::istringstream procs(read_file(g / "cgroup.procs"));
    for (long pid = 0; procs >> pid;) {
      if (pid != ::getpid()) out.push_back(g.string() + " holds pid " + std::to_string(pid));
    }
  }
  return out;
}

// Runs `body` in a forked child (whose uid, seccomp filter or other process-wide state the test
// changes without touching this process) and returns what it returned.
std::string output_of_child(const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(fds[0]);
    const std::string out = body();
    ssize_t ignored = ::write(fds[1], out.data(), out.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return out;
}

class SandboxExecutorTest : public testing::WorkdirTest {
 protected:
  SandboxExecutorTest()
      : WorkdirTest("sandbox_executor_test", {{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}}, true) {}

  static SandboxExecutor& executor() {
    static SandboxExecutor e{SandboxOptions{}};
    return e;
  }
  bool full() const {
    auto iso = executor().isolation();
    return contains(iso, "pid") && contains(iso, "mount") && contains(iso, "cgroup");
  }
};

TEST_F(SandboxExecutorTest, AllControlsInForceAsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "runs as root in CI";
  auto iso = executor().isolation();
  EXPECT_EQ(iso, (std::vector<std::string>{"uid", "pid", "mount", "net", "ipc", "uts", "cgroup", "seccomp",
                                           "rlimits", "no_new_privs", "setsid", "disk_quota"}))
      << executor().degraded();
}

// As root the submission's workspace is a tmpfs of its own: many files each under the file size
// limit stop at its size, so do empty files at its file count; what a run collects is still read
// back, the staged directory is left as it was, and nothing stays mounted.
TEST_F(SandboxExecutorTest, TheWorkspaceHasOneSizeAndFileBound) {
  if (::geteuid() != 0) GTEST_SKIP() << "bounded workspaces need a root grader; runs as root in CI";
  SandboxOptions o;
  o.workspace_bytes = 8ull << 20;
  o.workspace_inodes = 200;
  SandboxExecutor bounded{o};
  ASSERT_TRUE(contains(bounded.isolation(), "disk_quota")) << bounded.degraded();
  std::ofstream(work_ / "in.txt") << "data";
  fs::path ws = bounded.prepare_workspace(work_);
  ASSERT_NE(ws, work_);
  RunRequest req =
      sh("cat in.txt > copy.txt; for i in 1 2 3 4 5; do head -c 3000000 /dev/zero > f$i || exit 9; done");
  req.workdir = ws;
  req.collect = {"copy.txt"};
  RunResult r = bounded.run(req);
  EXPECT_EQ(r.status, RunStatus::OutputLimit) << r.message << r.err.data;
  EXPECT_NE(r.message.find(
                "a disk limit was reached: No space left on device (the workspace's 8 MiB, 200-file limit"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(r.files["copy.txt"].data, "data");
  req = sh("mkdir d; i=0; while [ $i -lt 1000 ]; do : > d/$i || exit 9; i=$((i+1)); done");
  req.workdir = ws;
  r = bounded.run(req);
  EXPECT_EQ(r.status, RunStatus::OutputLimit) << r.message << r.err.data;
  bounded.release_workspace(ws);
  EXPECT_FALSE(fs::exists(ws.parent_path())) << "unmounted and removed";
  EXPECT_FALSE(fs::exists(work_ / "copy.txt")) << "the staged workspace is not the run's";
  EXPECT_EQ(read_file("/proc/self/mounts").find(ws.parent_path().string()), std::string::npos);
}

TEST_F(SandboxExecutorTest, ExitZeroIsOkAndOutputIsCaptured) {
  RunResult r = executor().run(sh("echo hello; echo oops >&2"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.data, "hello\n");
  EXPECT_EQ(r.err.data, "oops\n");
}

TEST_F(SandboxExecutorTest, RunsInWorkWithTheWorkspaceWritable) {
  std::ofstream(work_ / "in.txt") << "data";
  RunRequest req = sh("pwd; echo $HOME; cat in.txt; echo; echo made > out.txt");
  req.collect = {"out.txt"};
  RunResult r = executor().run(req);
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "/work\n/work\ndata\n");
  EXPECT_EQ(r.files["out.txt"].data, "made\n");
  EXPECT_EQ(read_file(work_ / "out.txt"), "made\n");
}

TEST_F(SandboxExecutorTest, CannotSeeHostProcesses) {
  RunResult r = executor().run(python(
      "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\nprint(os.getpid())"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  // Only itself (pid 2; init is pid 1, hidden from another uid by hidepid=2).
  EXPECT_EQ(r.out.data, "[2]\n2\n");
}

TEST_F(SandboxExecutorTest, CannotWriteTheSystem) {
  RunResult r = executor().run(
      sh("touch /usr/x 2>/dev/null && echo usr-writable; touch /etc/x 2>/dev/null && echo etc-writable;"
         "touch / 2>/dev/null; touch /x 2>/dev/null && echo root-writable;"
         "cat /etc/shadow 2>/dev/null && echo shadow-readable; ls /root /home 2>/dev/null && echo home;"
         "echo done"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "done\n");
}

TEST_F(SandboxExecutorTest, CannotReachAHostListener) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  RunResult r = executor().run(
      python("import socket\ns = socket.socket()\ntry:\n    s.connect(('127.0.0.1', " + std::to_string(port) +
             "))\n    print('connected')\nexcept OSError as e:\n    print('refused', e.errno)\n"
             "print(sorted(n for _, n in socket.if_nameindex()))"));
  ::close(listener);
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "refused 111\n['lo']\n");
}

TEST_F(SandboxExecutorTest, HostnameAndIdentityAreTheSandboxs) {
  RunResult r = executor().run(python(R"(
import os, socket
print(socket.gethostname())
print(os.getuid() != 0, os.getgid() != 0, os.getgroups())
for line in open('/proc/self/status'):
    if line.startswith(('CapEff', 'CapPrm', 'CapBnd', 'NoNewPrivs', 'Seccomp:')):
        print(line.split()[0], line.split()[1])
)"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data,
            "sandbox\nTrue True []\nCapPrm: 0000000000000000\nCapEff: 0000000000000000\n"
            "CapBnd: 0000000000000000\nNoNewPrivs: 1\nSeccomp: 2\n");
}

TEST_F(SandboxExecutorTest, SeccompDeniesPtraceAndNamespaces) {
  RunResult r = executor().run(python(R"(
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def errno_of(rc):
    return ctypes.get_errno() if rc == -1 else 0
print('ptrace', errno_of(libc.ptrace(16, os.getppid(), 0, 0)))   # PTRACE_ATTACH
print('unshare', errno_of(libc.unshare(0x10000000)))             # CLONE_NEWUSER
print('keyctl', errno_of(libc.syscall(250, 0, 0, 0, 0)))
print('io_uring_setup', errno_of(libc.syscall(425, 1, 0)))
print('clone3', errno_of(libc.syscall(435, 0, 0)))
print('tiocsti', errno_of(libc.ioctl(0, 0x5412 | (1 << 32), ctypes.c_char_p(b'x'))))
print('fork', os.waitpid(os.fork() or os._exit(0), 0)[1] if True else 0)
)"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "ptrace 1\nunshare 1\nkeyctl 1\nio_uring_setup 1\nclone3 38\ntiocsti 1\nfork 0\n");
}

TEST_F(SandboxExecutorTest, TmpIsPrivateAndCapped) {
  SandboxOptions o;
  o.tmp_bytes = 4 * kMiB;
  SandboxExecutor small(o);
  RunResult r =
      small.run(sh("ls -A /tmp; dd if=/dev/zero of=/tmp/big bs=1M count=16 2>/dev/null; echo rc=$?;"
                   "ls -l /tmp/big | awk '{print $5}'"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "rc=1\n4194304\n");
}

TEST_F(SandboxExecutorTest, ExitCode137IsNotSigkill) {
  RunResult r = executor().run(python("import sys; sys.exit(137)"));
  EXPECT_EQ(r.status, RunStatus::NonzeroExit) << r.message;
  EXPECT_EQ(r.exit_code, 137);
  EXPECT_EQ(r.signal, std::nullopt);
  r = executor().run(python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"));
  EXPECT_EQ(r.status, RunStatus::Signaled) << r.message;
  EXPECT_EQ(r.exit_code, std::nullopt);
  EXPECT_EQ(r.signal, SIGKILL);
}

TEST_F(SandboxExecutorTest, MemoryLimitIsAnOomKill) {
  if (!full()) GTEST_SKIP() << "needs the memory cgroup: " << executor().degraded();
  RunRequest req = python("b = bytearray(400 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1");
  req.memory_bytes = 100 * kMiB;
  RunResult r = executor().run(req);
  EXPECT_EQ(r.status, RunStatus::MemoryLimit) << r.message << r.err.data;
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_GE(r.max_rss_kb, 90u * 1024);

  req = python("b = bytearray(30 << 20)");  // fits: the limit alone changes nothing
  req.memory_bytes = 100 * kMiB;
  EXPECT_EQ(executor().run(req).status, RunStatus::Ok);
}

TEST_F(SandboxExecutorTest, PidsLimitStopsAForkBomb) {
  if (!full()) GTEST_SKIP() << "needs the pids cgroup: " << executor().degraded();
  RunResult r = executor().run(python(R"(
import os, time
n = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(100)
            os._exit(0)
        n += 1
except OSError as e:
    print('stopped', e.errno, n < 256)
)"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "stopped 11 True\n");
  EXPECT_LT(r.wall_s, 10);
}

TEST_F(SandboxExecutorTest, TimeoutKillsTheWholeTree) {
  RunRequest req = sh("sleep 100 & (setsid sleep 100 &) ; sleep 100");
  req.timeout_s = 0.5;
  RunResult r = executor().run(req);
  EXPECT_EQ(r.status, RunStatus::Timeout) << r.message;
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.exit_code, std::nullopt);
  EXPECT_LT(r.wall_s, 2);
  EXPECT_TRUE(leftover_cgroups().empty());
}

TEST_F(SandboxExecutorTest, SetsidDoubleForkLeavesNothing) {
  // The survivor writes its pid where the test can read it, then sleeps.
  RunResult r = executor().run(python(R"(
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open('/work/pid', 'w').write(str(os.getpid()))
        time.sleep(1000)
    os._exit(0)
os.wait()
while not os.path.exists('/work/pid'):
    time.sleep(0.01)
)"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  // Nothing of the run is alive: no process of the run's uid, no run cgroup.
  EXPECT_TRUE(leftover_cgroups().empty());
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = read_file(entry.path() / "cmdline");
    EXPECT_EQ(cmd.find("time.sleep(1000)"), std::string::npos) << "survivor: pid " << name;
  }
}

TEST_F(SandboxExecutorTest, OrphansCpuIsCounted) {
  if (!full()) GTEST_SKIP() << "needs the cpuacct cgroup: " << executor().degraded();
  // The child burns 0.4 s of CPU after its parent, the main process, is gone; init kills it only
  // when... the main process waits for a file the child writes when done burning.
  RunResult r = executor().run(python(R"(
import os, time
if os.fork() == 0:
    if os.fork() == 0:
        t = time.process_time()
        while time.process_time() - t < 0.4:
            pass
        open('/work/done', 'w').close()
        os._exit(0)
    os._exit(0)
os.wait()
while not os.path.exists('/work/done'):
    time.sleep(0.005)
)"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_GE(r.cpu_s, 0.35);
}

TEST_F(SandboxExecutorTest, FileSizeLimitIsOutputLimit) {
  SandboxOptions o;
  o.file_size_limit = kMiB;
  SandboxExecutor small(o);
  RunResult r = small.run(python("open('big', 'wb').write(b'x' * (2 << 20))"));
  EXPECT_EQ(r.status, RunStatus::OutputLimit) << r.message << r.err.data;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(fs::file_size(work_ / "big"), kMiB);
}

TEST_F(SandboxExecutorTest, StdoutFloodStaysCapped) {
  RunRequest req = python("import sys\nwhile True: sys.stdout.write('x' * 65536)");
  req.output_limit = 100000;
  RunResult r = executor().run(req);
  EXPECT_EQ(r.status, RunStatus::OutputLimit) << r.message;
  EXPECT_EQ(r.out.data.size(), 100000u);
  EXPECT_TRUE(r.out.truncated);
}

TEST_F(SandboxExecutorTest, StdinIsFedAndEnvironmentIsExact) {
  RunRequest req = sh("cat; env | sort");
  req.stdin_data = "in\n";
  req.env = {{"PATH", "/usr/bin:/bin"}, {"X", work_.string() + "/sub"}};
  RunResult r = executor().run(req);
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "in\nPATH=/usr/bin:/bin\nPWD=/work\nX=/work/sub\n");
}

TEST_F(SandboxExecutorTest, TreesTheEnvironmentNamesAreShownReadOnly) {
  // An Lmod hierarchy and its BASH_ENV, as the test cluster sets them, outside the system trees.
  fs::create_directories(dir_ / "modules" / "Core" / "Python");
  fs::create_directories(dir_ / "modules" / "Compiler");
  std::ofstream(dir_ / "modules" / "Core" / "Python" / "3.11.lua") << "-- module";
  std::ofstream(dir_ / "modules" / "Compiler" / "x.lua") << "-- compiler";
  std::ofstream(dir_ / "init.sh") << "export FROM_BASH_ENV=yes\n";
  RunRequest req =
      request({"bash", "-c",
               "echo $FROM_BASH_ENV; cat $MODULEPATH/Python/3.11.lua; echo;"
               "cat $MODULEPATH/../Compiler/x.lua; echo; touch $MODULEPATH/new 2>/dev/null || echo ro"});
  req.env["MODULEPATH"] = (dir_ / "modules" / "Core").string();
  req.env["BASH_ENV"] = (dir_ / "init.sh").string();
  RunResult r = executor().run(req);
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "yes\n-- module\n-- compiler\nro\n");
}

TEST_F(SandboxExecutorTest, MissingCommandIsRunnerError) {
  RunResult r = executor().run(request({"no-such-command-xyz"}));
  EXPECT_EQ(r.status, RunStatus::RunnerError);
  EXPECT_NE(r.message.find("command not found: no-such-command-xyz"), std::string::npos) << r.message;
  EXPECT_TRUE(leftover_cgroups().empty());
}

// A v1 group's first task would otherwise wait an RCU grace period to move in (cgroup_dynmods.h):
// once a root grader has made an executor, the kernel favours dynamic cgroup changes, through a
// hierarchy of the grader's own unless the host already did.
TEST_F(SandboxExecutorTest, ARootGraderOnCgroupV1LeavesTheKernelFavouringCgroupMoves) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting needs root; runs as root in CI";
  if (!fs::exists("/sys/fs/cgroup/memory/tasks")) GTEST_SKIP() << "no cgroup v1 memory hierarchy here";
  ASSERT_TRUE(full()) << executor().degraded();
  EXPECT_TRUE(sandbox::favours_dynmods(read_file("/proc/self/mountinfo"), read_file("/proc/cmdline")))
      << read_file("/proc/self/mountinfo");
}

// The namespace probe's pass is remembered for the boot (probe_cache.h): a second executor with
// the same cache takes it instead of a probe run of its own, and claims the same controls.
TEST_F(SandboxExecutorTest, ASecondExecutorTakesTheFirstOnesProbePass) {
  if (!full()) GTEST_SKIP() << "needs the full sandbox: " << executor().degraded();
  testing::ScratchDir cache;
  SandboxOptions o;
  o.probe_cache_dir = cache.path;
  SandboxExecutor first{o};
  EXPECT_FALSE(first.probe_remembered());
  ASSERT_TRUE(fs::exists(cache.path / "sandbox-probe"));
  SandboxExecutor second{o};
  EXPECT_TRUE(second.probe_remembered());
  EXPECT_EQ(second.isolation(), first.isolation());
  RunResult r = second.run(sh("echo $$"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_EQ(r.out.data, "2\n") << "in a pid namespace of its own";
  o.disable = {"net"};
  SandboxExecutor other_plan{o};
  EXPECT_FALSE(other_plan.probe_remembered()) << "a pass is only for the controls it was found with";
}

namespace {

// Makes the kernel refuse what the sandbox's clone needs from now on, in this process, as a
// sysctl or an AppArmor profile changed since the probe would: clone with a new pid namespace
// and unshare fail with EPERM, clone3 with ENOSYS (so that callers fall back to clone).
bool refuse_namespaces() {
  constexpr unsigned kNr = offsetof(struct seccomp_data, nr);
  constexpr unsigned kArg0 = offsetof(struct seccomp_data, args[0]);
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kNr),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArg0),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWPID, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

}  // namespace

// A remembered pass that no longer holds: the run is a runner error that says so (never a run
// with less isolation than reported), the pass is forgotten, and the next executor probes for
// real and falls back to what the host now allows.
TEST_F(SandboxExecutorTest, ARememberedPassThatNoLongerHoldsIsARunnerErrorAndForgotten) {
  if (!full()) GTEST_SKIP() << "needs the full sandbox: " << executor().degraded();
  testing::ScratchDir cache;
  SandboxOptions o;
  o.probe_cache_dir = cache.path;
  { SandboxExecutor first{o}; }
  ASSERT_TRUE(fs::exists(cache.path / "sandbox-probe"));
  const std::string out = output_of_child([&] {
    std::string text;
    if (!refuse_namespaces()) {
      text = "could not install the filter";
    } else {
      SandboxExecutor remembered{o};
      RunResult r = remembered.run(sh("echo ran"));
      text = std::string(remembered.probe_remembered() ? "remembered" : "probed") + "|" +
             to_string(r.status) + "|" + r.out.data + "|" + r.message + "|" +
             (fs::exists(cache.path / "sandbox-probe") ? "kept" : "forgotten") + "|";
      SandboxExecutor fresh{o};
      r = fresh.run(sh("echo ran"));
      const auto iso = fresh.isolation();
      text += std::string(fresh.probe_remembered() ? "remembered" : "probed") + "|" + to_string(r.status) +
              "|" + r.out.data + "|" + (contains(iso, "pid") ? "pid" : "no pid") + "|" + fresh.degraded();
    }
    return text;
  });
  std::vector<std::string> f;
  std::stringstream in(out);
  for (std::string part; std::getline(in, part, '|');) f.push_back(part);
  ASSERT_EQ(f.size(), 10u) << out;
  EXPECT_EQ(f[0], "remembered");
  EXPECT_EQ(f[1], "runner_error");
  EXPECT_EQ(f[2], "") << "nothing ran";
  EXPECT_NE(f[3].find("could not start the sandbox"), std::string::npos) << f[3];
  EXPECT_NE(f[3].find("that pass was used instead of a new probe: it is now forgotten"), std::string::npos)
      << f[3];
  EXPECT_EQ(f[4], "forgotten");
  EXPECT_EQ(f[5], "probed");
  EXPECT_EQ(f[6], "ok");
  EXPECT_EQ(f[7], "ran\n");
  EXPECT_EQ(f[8], "no pid");
  EXPECT_NE(f[9].find("namespaces unavailable"), std::string::npos) << f[9];
}

TEST_F(SandboxExecutorTest, CgroupRemovedAfterEveryRun) {
  // During an executor's life no process of a finished run is left in any of its groups (pooled
  // groups hold only the grader's helper threads); once it is destroyed its pooled groups are gone.
  const auto before = own_groups("pool");
  {
    SandboxExecutor e{SandboxOptions{}};
    e.run(sh("true"));
    EXPECT_TRUE(leftover_cgroups().empty());
    e.run(request({"/nonexistent"}));
    EXPECT_TRUE(leftover_cgroups().empty());
    RunRequest t = sh("sleep 10 & sleep 10");
    t.timeout_s = 0.2;
    e.run(t);
    EXPECT_TRUE(leftover_cgroups().empty());
  }
  EXPECT_TRUE(leftover_cgroups().empty());
  const auto after = own_groups("pool");
  for (const auto& g : after) {
    EXPECT_NE(std::find(before.begin(), before.end(), g), before.end()) << "left behind: " << g;
  }
}

TEST_F(SandboxExecutorTest, PooledGroupCarriesNothingIntoTheNextRun) {
  if (!full()) GTEST_SKIP() << "needs the memory cgroup: " << executor().degraded();
  // One executor, runs one after another (so, on cgroup v1, in the same pooled group): an OOM
  // kill, 64 MiB of page cache, a high pids count, then runs that must see none of it.
  SandboxExecutor e{SandboxOptions{}};
  RunRequest oom = python("b = bytearray(400 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1");
  oom.memory_bytes = 100 * kMiB;
  EXPECT_EQ(e.run(oom).status, RunStatus::MemoryLimit);
  RunResult r = e.run(python("open('/work/cache', 'wb').write(b'x' * (64 << 20))"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  RunRequest small = python("b = bytearray(8 << 20)");
  small.memory_bytes = 100 * kMiB;
  r = e.run(small);
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_LT(r.max_rss_kb, 48u * 1024) << "the last run's page cache counted as this run's peak";
  EXPECT_GE(r.max_rss_kb, 8u * 1024);
  // A run that kills itself after an OOM kill in its group's past is not a memory verdict.
  r = e.run(python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"));
  EXPECT_EQ(r.status, RunStatus::Signaled) << r.message;
  // The memory limit is per run: none now, where the last run had 100 MiB.
  r = e.run(python("b = bytearray(200 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_GE(r.max_rss_kb, 200u * 1024);
  // pids.max counts the run's processes only: as many forks as with a fresh group per run.
  auto forks = [this](SandboxExecutor& ex) {
    RunResult fr = ex.run(python(R"(
import os, time
n = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(100)
            os._exit(0)
        n += 1
except OSError:
    print(n)
)"));
    EXPECT_EQ(fr.status, RunStatus::Ok) << fr.message << fr.err.data;
    return fr.out.data;
  };
  SandboxOptions few;
  few.pids_max = 12;
  SandboxExecutor pooled{few};
  few.disable = {"cgroup_pool"};
  SandboxExecutor fresh{few};
  const std::string n_pooled = forks(pooled), n_fresh = forks(fresh);
  EXPECT_EQ(n_pooled, forks(pooled));  // and again, in a reused group
  EXPECT_EQ(n_pooled, n_fresh);
  EXPECT_FALSE(n_fresh.empty());
  // CPU: a run that burns none is charged next to none (not the grader's helper thread's).
  r = e.run(sh("true"));
  EXPECT_LT(r.cpu_s, 0.05);
  EXPECT_TRUE(leftover_cgroups().empty());
}

// Runs from several grading threads at once really overlap (grade --jobs N). This once hung about
// one run in six under load: the run's init, a raw clone of the multithreaded grader, called
// glibc's setresuid, whose all-threads "setxid" broadcast waits on a lock another grader thread
// may hold at the instant of the clone. drop_identity now makes the raw system calls.
TEST_F(SandboxExecutorTest, ConcurrentRunsHaveTheirOwnGroups) {
  if (!full()) GTEST_SKIP() << "needs the memory cgroup: " << executor().degraded();
  // Three grading threads at once, each allocating its own amount under its own limit, twice:
  // no run sees another's peak, CPU or OOM kill.
  SandboxExecutor e{SandboxOptions{}};
  const int mib[3] = {20, 60, 200};
  RunResult results[3][2];
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 2; ++round) {
        RunRequest req = python("import time\nb = bytearray(" + std::to_string(mib[t]) +
                                " << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\ntime.sleep(0.2)");
        req.memory_bytes = 120 * kMiB;
        results[t][round] = e.run(req);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int round = 0; round < 2; ++round) {
    for (int t = 0; t < 2; ++t) {
      const RunResult& r = results[t][round];
      EXPECT_EQ(r.status, RunStatus::Ok) << t << ": " << r.message << r.err.data;
      EXPECT_GE(r.max_rss_kb, static_cast<std::uint64_t>(mib[t]) * 1024);
      EXPECT_LT(r.max_rss_kb, static_cast<std::uint64_t>(mib[t] + 30) * 1024) << t;
    }
    EXPECT_EQ(results[2][round].status, RunStatus::MemoryLimit) << results[2][round].message;
  }
  EXPECT_TRUE(leftover_cgroups().empty());
}

// The first runs of an executor that made no probe run (its pass remembered) may start at once,
// as a class graded with --jobs 2 starts them: they once each made the cgroup host's pool, one
// freeing the other's under it ("internal error: basic_string::_M_create", 1 grading in 20).
// Here the two leases of a fresh host are released together, 300 times; and one executor's
// first two runs.
TEST_F(SandboxExecutorTest, TheFirstRunsOfAFreshExecutorMayStartAtOnce) {
  if (!full()) GTEST_SKIP() << "needs the full sandbox: " << executor().degraded();
  for (int round = 0; round < 300; ++round) {
    std::string why;
    std::unique_ptr<sandbox::CgroupHost> host = sandbox::detect_cgroup_host(why);
    ASSERT_TRUE(host) << why;
    std::atomic<int> waiting{2};
    std::unique_ptr<sandbox::Cgroup> groups[2];
    std::string errors[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        waiting.fetch_sub(1);
        while (waiting.load() > 0) {
        }
        groups[t] = host->create(sandbox::CgroupLimits{}, errors[t]);
      });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < 2; ++t) {
      ASSERT_TRUE(groups[t]) << round << "/" << t << ": " << errors[t];
      EXPECT_EQ(groups[t]->remove(), "");
    }
  }
  testing::ScratchDir cache;
  SandboxOptions o;
  o.probe_cache_dir = cache.path;
  { SandboxExecutor first{o}; }
  SandboxExecutor e{o};
  ASSERT_TRUE(e.probe_remembered());
  RunResult results[2];
  std::thread other([&] { results[1] = e.run(sh("echo 1")); });
  results[0] = e.run(sh("echo 0"));
  other.join();
  for (int t = 0; t < 2; ++t) {
    EXPECT_EQ(results[t].status, RunStatus::Ok) << t << ": " << results[t].message;
    EXPECT_EQ(results[t].out.data, std::to_string(t) + "\n");
  }
  EXPECT_TRUE(leftover_cgroups().empty());
}

// Network namespaces are reused from run to run (net_pool.h), but only empty: two runs in a row
// see the same one (not the host's); a run that leaves a TCP TIME_WAIT hands on a fresh one, so
// the next run can bind the same port without SO_REUSEADDR.
TEST_F(SandboxExecutorTest, AnEmptyNetworkNamespaceServesTheNextRunAndOneWithASocketDoesNot) {
  if (!full() || ::geteuid() != 0) GTEST_SKIP() << "reuse needs a root grader: " << executor().degraded();
  SandboxExecutor e{SandboxOptions{}};
  auto netns = [&] {
    RunResult r = e.run(sh("readlink /proc/self/ns/net"));
    EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
    return r.out.data;
  };
  const std::string first = netns(), second = netns();
  EXPECT_EQ(first, second) << "an empty namespace is reused";
  EXPECT_NE(first, fs::read_symlink("/proc/self/ns/net").string() + "\n") << "never the host's";
  const char* exchange = R"(
import socket
s = socket.socket()
s.bind(('127.0.0.1', 5555))
s.listen()
c = socket.create_connection(('127.0.0.1', 5555))
a, _ = s.accept()
a.close()  # the server closes first: its end waits in TIME_WAIT
c.close()
s.close()
print('exchanged')
)";
  RunResult r = e.run(python(exchange));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  r = e.run(python(exchange));
  EXPECT_EQ(r.status, RunStatus::Ok) << "the port is free: " << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "exchanged\n");
  EXPECT_NE(netns(), first) << "a namespace that held a socket is not handed on";
}

// Fallback, as an HPC login node without cgroups or namespaces gives it.
TEST_F(SandboxExecutorTest, FallbackSaysWhatIsInForce) {
  SandboxOptions o;
  o.disable = {"user", "pid", "mount", "net", "ipc", "uts", "cgroup"};
  SandboxExecutor weak(o);
  auto iso = weak.isolation();
  EXPECT_FALSE(contains(iso, "cgroup"));
  EXPECT_FALSE(contains(iso, "pid"));
  EXPECT_FALSE(contains(iso, "mount"));
  EXPECT_TRUE(contains(iso, "seccomp"));
  EXPECT_TRUE(contains(iso, "subreaper"));
  EXPECT_NE(weak.degraded(), "");

  RunResult r = weak.run(python("import os; print(os.getcwd() != '/work')"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "True\n");
  // Memory falls back to RLIMIT_AS: Python's MemoryError is the memory limit.
  RunRequest req = python("b = bytearray(500 << 20)");
  req.memory_bytes = 200 * kMiB;
  r = weak.run(req);
  EXPECT_EQ(r.status, RunStatus::MemoryLimit) << r.message << r.err.data;
  EXPECT_EQ(r.exit_code, 1);
  // Leftovers are still killed.
  req = sh("(setsid sleep 100 &); sleep 100");
  req.timeout_s = 0.3;
  r = weak.run(req);
  EXPECT_EQ(r.status, RunStatus::Timeout);
}

// Fallback with Landlock: files only below the system trees, the workdir and a private TMPDIR;
// no TCP; no signal to a process outside the run.
TEST_F(SandboxExecutorTest, FallbackConfinesWithLandlock) {
  SandboxOptions o;
  o.disable = {"user", "pid", "mount", "net", "ipc", "uts", "cgroup"};
  SandboxExecutor weak(o);
  if (!contains(weak.isolation(), "landlock")) GTEST_SKIP() << "no Landlock: " << weak.degraded();
  const fs::path outside = dir_ / "outside.txt";
  std::ofstream(outside) << "host\n";
  ::chmod(outside.c_str(), 0644);
  ::chmod(dir_.c_str(), 0755);
  RunRequest req = python(
      "import os, socket, tempfile\n"
      "open('here.txt', 'w').write('x')\n"
      "t = os.environ['TMPDIR']\n"
      "with tempfile.NamedTemporaryFile(dir=t) as f: f.write(b'x')\n"
      "print('tmp', t.startswith('" +
      dir_.string() +
      "/grader-run-tmp-'))\n"
      "for what, fn in (('read', lambda: open('" +
      outside.string() +
      "').read()),\n"
      "                 ('write', lambda: open('" +
      (dir_ / "planted").string() +
      "', 'w')),\n"
      "                 ('tcp', lambda: socket.create_connection(('127.0.0.1', 9), 1)),\n"
      "                 ('kill', lambda: os.kill(os.getppid(), 0))):\n"
      "    try: fn(); print(what, 'allowed')\n"
      "    except OSError as e: print(what, e.errno)\n");
  RunResult r = weak.run(req);
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_NE(r.out.data.find("tmp True\n"), std::string::npos) << r.out.data;
  EXPECT_NE(r.out.data.find("read 13\n"), std::string::npos) << r.out.data;
  EXPECT_NE(r.out.data.find("write 13\n"), std::string::npos) << r.out.data;
  if (contains(weak.isolation(), "landlock_net")) {
    EXPECT_NE(r.out.data.find("tcp 13\n"), std::string::npos) << r.out.data;
  }
  if (contains(weak.isolation(), "landlock_scope")) {
    EXPECT_NE(r.out.data.find("kill 1\n"), std::string::npos) << r.out.data;
  }
  EXPECT_TRUE(fs::exists(work_ / "here.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "planted"));
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().rfind("grader-run-tmp-", 0), std::string::npos)
        << "the private tmp dir was left behind: " << e.path();
  }
}

TEST_F(SandboxExecutorTest, EnvironmentVariableDisablesControls) {
  ::setenv("GRADER_SANDBOX_DISABLE", "cgroup,seccomp", 1);
  SandboxExecutor e;
  ::unsetenv("GRADER_SANDBOX_DISABLE");
  auto iso = e.isolation();
  EXPECT_FALSE(contains(iso, "cgroup"));
  EXPECT_FALSE(contains(iso, "seccomp"));
  RunResult r = e.run(sh("echo ok"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
}

// The same sandbox started by an unprivileged user (nobody): a user namespace instead of a uid
// of its own, no cgroups. Forked, so that the test process stays root.
TEST_F(SandboxExecutorTest, WorksAsAnUnprivilegedUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become nobody";
  ASSERT_EQ(::chown(dir_.c_str(), 65534, 65534), 0);
  ASSERT_EQ(::chown(work_.c_str(), 65534, 65534), 0);
  const std::string out = output_of_child([&] {
    std::string text;
    // Dumpable again after the uid change, as a grader exec'd by that user is: its /proc files
    // (and its children's, where the id maps are written) belong to it.
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0 ||
        ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0) {
      text = "setuid failed";
    } else {
      SandboxExecutor e{SandboxOptions{}};
      std::string iso;
      for (const auto& c : e.isolation()) iso += c + " ";
      RunResult r = e.run(python(R"(
import os, socket
print(os.getcwd(), socket.gethostname(), sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))
open('/work/mine', 'w').write('x')
)"));
      text = iso + "|" + to_string(r.status) + "|" + r.out.data + r.err.data + r.message;
    }
    return text;
  });
  EXPECT_EQ(out, "user pid mount net ipc uts seccomp rlimits no_new_privs setsid |ok|/work sandbox [2]\n");
  EXPECT_TRUE(fs::exists(work_ / "mine"));
}

}  // namespace
}  // namespace grader
