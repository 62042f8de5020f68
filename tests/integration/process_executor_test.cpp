// ProcessExecutor against real processes: /bin/sh, /usr/bin/python3 and coreutils. No sleeps
// for synchronisation: a run returns only after its main process ended, so whatever the learner
// wrote before that is there to read.
#include "runners/process/process_executor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/workdir_fixture.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1024 * 1024;

using testing::read_file;

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// True once `pid` is neither running nor a zombie: killed *and* reaped.
bool process_gone(pid_t pid) {
  return ::kill(pid, 0) == -1 && errno == ESRCH;
}

pid_t read_pid(const fs::path& p) {
  return static_cast<pid_t>(std::atol(read_file(p).c_str()));
}

long peak_rss_kb() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

class ProcessExecutorTest : public testing::WorkdirTest {
 protected:
  ProcessExecutorTest()
      : WorkdirTest("process_executor_test", {{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}}, false) {}

  ProcessExecutor executor_;
};

TEST_F(ProcessExecutorTest, ExitZeroIsOk) {
  RunResult r = executor_.run(sh("echo hello"));
  EXPECT_EQ(r.id, "main");
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.signal.has_value());
  EXPECT_EQ(r.out.data, "hello\n");
  EXPECT_EQ(r.out.total_bytes, 6u);
  EXPECT_FALSE(r.out.truncated);
  EXPECT_TRUE(r.message.empty()) << r.message;
  EXPECT_GT(r.wall_s, 0);
}

TEST_F(ProcessExecutorTest, ExitCodeAndSignalAreKeptApart) {
  RunResult exited = executor_.run(sh("exit 137"));
  EXPECT_EQ(exited.status, RunStatus::NonzeroExit) << exited.message;
  EXPECT_EQ(exited.exit_code, 137);
  EXPECT_FALSE(exited.signal.has_value());
  EXPECT_EQ(exited.message, "exited with code 137");

  RunResult killed = executor_.run(sh("kill -9 $$"));
  EXPECT_EQ(killed.status, RunStatus::Signaled) << killed.message;
  EXPECT_FALSE(killed.exit_code.has_value());
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(killed.message, "killed by signal 9 (SIGKILL)");

  RunResult segv = executor_.run(sh("kill -SEGV $$"));
  EXPECT_EQ(segv.status, RunStatus::Signaled);
  EXPECT_EQ(segv.message, "killed by signal 11 (SIGSEGV)");
}

TEST_F(ProcessExecutorTest, TimeoutKillsGrandchildren) {
  RunRequest req =
      sh("sleep 1000 & echo $! > bg.pid\n"
         "setsid sleep 1000 & echo $! > setsid.pid\n"
         "wait");
  req.timeout_s = 2;
  RunResult r = executor_.run(req);
  EXPECT_EQ(r.status, RunStatus::Timeout) << r.message;
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.message, "killed after the 2 s time limit");
  EXPECT_GE(r.wall_s, 2.0);
  EXPECT_LT(r.wall_s, 4.0);
  pid_t bg = read_pid(work_ / "bg.pid");
  pid_t setsid_bg = read_pid(work_ / "setsid.pid");
  ASSERT_GT(bg, 0);
  ASSERT_GT(setsid_bg, 0);
  EXPECT_TRUE(process_gone(bg)) << "background sleep " << bg << " survived the timeout";
  EXPECT_TRUE(process_gone(setsid_bg)) << "setsid'd sleep " << setsid_bg << " survived";
}

TEST_F(ProcessExecutorTest, SetsidDoubleForkDoesNotSurvive) {
  // The daemon holds stdout open and never exits; main waits only until the daemon has written
  // its pid, then exits 0. The run must neither wait for the daemon nor leave it alive.
  RunResult r = executor_.run(python(R"(
import os, time
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        with open('daemon.pid', 'w') as f:
            f.write(str(os.getpid()))
        os.write(w, b'x')
        while True:
            time.sleep(1000)
    os._exit(0)
os.read(r, 1)
print('main done', flush=True)
)"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << "\n" << r.err.data;
  EXPECT_EQ(r.out.data, "main done\n");
  EXPECT_LT(r.wall_s, 10.0);
  pid_t daemon = read_pid(work_ / "daemon.pid");
  ASSERT_GT(daemon, 0);
  EXPECT_TRUE(process_gone(daemon)) << "setsid'd daemon " << daemon << " survived the run";
}

TEST_F(ProcessExecutorTest, OutputFloodStaysCapped) {
  RunRequest req = request({"head", "-c", "1073741824", "/dev/zero"});  // 1 GiB
  req.output_limit = kMiB;
  const long rss_before = peak_rss_kb();
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r = executor_.run(req);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long rss_growth = peak_rss_kb() - rss_before;
  std::cout << "[ timing   ] 1 GiB stdout flood, 1 MiB cap: run() took " << elapsed << " s, wall_s "
            << r.wall_s << ", captured " << r.out.total_bytes << " bytes, grader peak RSS grew " << rss_growth
            << " KiB\n";
  EXPECT_EQ(r.status, RunStatus::OutputLimit) << r.message;
  EXPECT_EQ(r.message, "stdout exceeded the 1 MiB limit");
  EXPECT_EQ(r.out.data.size(), kMiB);
  EXPECT_TRUE(r.out.truncated);
  EXPECT_GT(r.out.total_bytes, kMiB);
  EXPECT_LT(r.out.total_bytes, 64 * kMiB);
  EXPECT_LT(elapsed, 5.0);
  EXPECT_LT(rss_growth, 50 * 1024);
}

TEST_F(ProcessExecutorTest, StderrFloodStaysCapped) {
  RunRequest req = sh("head -c 1073741824 /dev/zero >&2");
  req.output_limit = kMiB;
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r = executor_.run(req);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[ timing   ] 1 GiB stderr flood, 1 MiB cap: run() took " << elapsed << " s\n";
  EXPECT_EQ(r.status, RunStatus::OutputLimit) << r.message;
  EXPECT_EQ(r.message, "stderr exceeded the 1 MiB limit");
  EXPECT_EQ(r.err.data.size(), kMiB);
  EXPECT_TRUE(r.err.truncated);
  EXPECT_GT(r.err.total_bytes, kMiB);
  EXPECT_TRUE(r.out.data.empty());
  EXPECT_LT(elapsed, 5.0);
}

TEST_F(ProcessExecutorTest, OutputAtTheCapIsNotTruncated) {
  RunRequest req = request({"head", "-c", "4096", "/dev/zero"});
  req.output_limit = 4096;
  RunResult r = executor_.run(req);
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_EQ(r.out.data.size(), 4096u);
  EXPECT_EQ(r.out.total_bytes, 4096u);
  EXPECT_FALSE(r.out.truncated);

  req.argv[2] = "4097";  // one byte over, and it exits on its own: still over the limit
  r = executor_.run(req);
  EXPECT_EQ(r.status, RunStatus::OutputLimit) << r.message;
  EXPECT_EQ(r.out.data.size(), 4096u);
  EXPECT_EQ(r.out.total_bytes, 4097u);
  EXPECT_TRUE(r.out.truncated);
}

TEST_F(ProcessExecutorTest, NonUtf8OutputKeptRaw) {
  RunResult r = executor_.run(sh("printf '\\377\\376\\000'; printf '\\000\\377' >&2"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_EQ(r.out.data, std::string("\xff\xfe\x00", 3));
  EXPECT_EQ(r.err.data, std::string("\x00\xff", 2));
}

TEST_F(ProcessExecutorTest, MissingInterpreterIsRunnerError) {
  RunResult r = executor_.run(request({"python9", "hello.py"}));
  EXPECT_EQ(r.status, RunStatus::RunnerError);
  EXPECT_FALSE(r.completed());
  EXPECT_EQ(r.message, "command not found: python9 (PATH=/usr/bin:/bin)");
  EXPECT_FALSE(r.exit_code.has_value());
}

TEST_F(ProcessExecutorTest, CommandIsLookedUpOnTheRequestPath) {
  // The tool is on the request's PATH only, never on the grader's.
  fs::create_directory(dir_ / "bin");
  write_file(dir_ / "bin" / "course-tool", "#!/bin/sh\necho \"tool $1\"\n");
  fs::permissions(dir_ / "bin" / "course-tool", fs::perms::owner_all);
  RunRequest req = request({"course-tool", "ran"});
  req.env["PATH"] = (dir_ / "bin").string() + ":/usr/bin:/bin";
  RunResult r = executor_.run(req);
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_EQ(r.out.data, "tool ran\n");

  req.env["PATH"] = "/usr/bin:/bin";
  EXPECT_EQ(executor_.run(req).status, RunStatus::RunnerError);
}

TEST_F(ProcessExecutorTest, ExecFailureIsRunnerError) {
  write_file(work_ / "not-a-program",
             "\x7f"
             "garbage, no shebang\n");
  fs::permissions(work_ / "not-a-program", fs::perms::owner_all);
  RunResult r = executor_.run(request({"./not-a-program"}));
  EXPECT_EQ(r.status, RunStatus::RunnerError);
  EXPECT_EQ(r.message, "could not start ./not-a-program: Exec format error");

  r = executor_.run(request({"./absent"}));
  EXPECT_EQ(r.status, RunStatus::RunnerError);
  EXPECT_EQ(r.message, "command not found: ./absent");
}

TEST_F(ProcessExecutorTest, RunsInTheWorkdirWithArgvAsGiven) {
  RunResult r = executor_.run(sh("pwd; tr '\\0' ' ' < /proc/$$/cmdline"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_EQ(r.out.data, fs::canonical(work_).string() + "\nsh -c pwd; tr '\\0' ' ' < /proc/$$/cmdline ");
}

TEST_F(ProcessExecutorTest, StdinIsFed) {
  RunRequest req = request({"wc", "-c"});
  req.stdin_data = std::string(10 * kMiB, 'x');
  RunResult r = executor_.run(req);
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_EQ(r.out.data, "10485760\n");
}

TEST_F(ProcessExecutorTest, StdinNotReadIsNoHarm) {
  // The child exits without reading: the grader gets EPIPE, not a fatal SIGPIPE.
  RunRequest req = request({"true"});
  req.stdin_data = std::string(10 * kMiB, 'x');
  RunResult r = executor_.run(req);
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
}

TEST_F(ProcessExecutorTest, StdinDefaultsToDevNull) {
  RunResult r = executor_.run(request({"cat"}));  // would hang on a terminal or an open pipe
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_EQ(r.out.data, "");
}

TEST_F(ProcessExecutorTest, EnvironmentIsExactlyTheRequested) {
  ::setenv("GRADER_TEST_SECRET", "leaked", 1);
  RunRequest req = request({"env"});
  req.env = {{"PATH", "/usr/bin:/bin"}, {"COURSE", "hpc python"}, {"EMPTY", ""}};
  RunResult r = executor_.run(req);
  ::unsetenv("GRADER_TEST_SECRET");
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  std::set<std::string> lines;
  std::istringstream in(r.out.data);
  for (std::string line; std::getline(in, line);) lines.insert(line);
  EXPECT_EQ(lines, (std::set<std::string>{"COURSE=hpc python", "EMPTY=", "PATH=/usr/bin:/bin"}));
}

TEST_F(ProcessExecutorTest, ChildIsContained) {
  // Own session and group, no grader descriptors, clean signal state, core dumps off.
  int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 0);
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  RunResult r = executor_.run(python(R"(
import os, resource
print(os.getsid(0) == os.getpid(), os.getpgid(0) == os.getpid())
print(sorted(int(fd) for fd in os.listdir('/proc/self/fd')))
print(resource.getrlimit(resource.RLIMIT_CORE))
print(resource.getrlimit(resource.RLIMIT_FSIZE))
for line in open('/proc/self/status'):
    if line.startswith(('SigBlk', 'SigIgn')):
        print(line.split()[1])
)"));
  ::sigaction(SIGPIPE, &old, nullptr);
  ::close(leaked);
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  // fd 3 is listdir's own; CPython ignores SIGPIPE (0x1000) and SIGXFSZ (0x1000000) itself.
  EXPECT_EQ(r.out.data,
            "True True\n[0, 1, 2, 3]\n(0, 0)\n(67108864, 67108864)\n"
            "0000000000000000\n0000000001001000\n");
}

TEST_F(ProcessExecutorTest, CpuTimeMeasured) {
  RunResult r = executor_.run(python(R"(
import time
t = time.process_time()
while time.process_time() - t < 0.3:
    pass
)"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_GE(r.cpu_s, 0.2);
  EXPECT_LE(r.cpu_s, r.wall_s + 0.05);
}

TEST_F(ProcessExecutorTest, PeakMemoryMeasured) {
  RunResult r = executor_.run(python("b = b'\\x01' * (200 << 20)"));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_GE(r.max_rss_kb, 150000u);
}

TEST_F(ProcessExecutorTest, MemoryLimitGivesMemoryLimit) {
  RunRequest req = python("b = bytearray(500 << 20)");
  req.memory_bytes = 200 * kMiB;
  RunResult r = executor_.run(req);
  EXPECT_EQ(r.status, RunStatus::MemoryLimit) << r.message << r.err.data;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.message, "ran out of memory under the 200 MiB limit (exited with code 1)");

  req = python("b = bytearray(50 << 20)");  // fits: the limit alone changes nothing
  req.memory_bytes = 200 * kMiB;
  EXPECT_EQ(executor_.run(req).status, RunStatus::Ok);
}

TEST_F(ProcessExecutorTest, FileSizeLimitGivesOutputLimit) {
  ProcessExecutor small(kMiB);
  // CPython ignores SIGXFSZ: the write fails with EFBIG and it exits 1.
  RunResult py = small.run(python("open('big', 'wb').write(b'x' * (2 << 20))"));
  EXPECT_EQ(py.status, RunStatus::OutputLimit) << py.message << py.err.data;
  EXPECT_EQ(py.exit_code, 1);
  EXPECT_EQ(py.message, "a file exceeded the 1 MiB file size limit (exited with code 1)");
  EXPECT_EQ(fs::file_size(work_ / "big"), kMiB);

  // Anything else dies of SIGXFSZ.
  RunResult head = small.run(sh("exec head -c 2097152 /dev/zero > big2"));
  EXPECT_EQ(head.status, RunStatus::OutputLimit) << head.message;
  EXPECT_EQ(head.signal, SIGXFSZ);
  EXPECT_EQ(fs::file_size(work_ / "big2"), kMiB);
}

TEST_F(ProcessExecutorTest, CollectReadsFilesAndRefusesSymlinkOutside) {
  write_file(dir_ / "outside.txt", "secret");
  RunRequest req =
      sh("printf hi > out.txt; ln -s /etc/passwd leak; ln -s ../outside.txt up; "
         "ln -s out.txt inner; mkdir d; printf x > d/f; head -c 3000 /dev/zero > big; mkfifo fifo");
  req.output_limit = 1000;
  req.collect = {"out.txt",     "leak", "up",  "inner", "missing.txt", "../outside.txt",
                 "/etc/passwd", "d/f",  "big", "fifo",  "d",           "d/../out.txt"};
  RunResult r = executor_.run(req);
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  ASSERT_EQ(r.files.size(), req.collect.size());

  EXPECT_TRUE(r.files["out.txt"].exists);
  EXPECT_EQ(r.files["out.txt"].data, "hi");
  EXPECT_EQ(r.files["out.txt"].size, 2u);
  EXPECT_FALSE(r.files["out.txt"].truncated);
  EXPECT_TRUE(r.files["inner"].exists);  // a symlink that stays inside is fine
  EXPECT_EQ(r.files["inner"].data, "hi");
  EXPECT_EQ(r.files["d/f"].data, "x");
  EXPECT_EQ(r.files["d/../out.txt"].data, "hi");

  EXPECT_TRUE(r.files["big"].exists);
  EXPECT_EQ(r.files["big"].size, 3000u);
  EXPECT_EQ(r.files["big"].data, std::string(1000, '\0'));
  EXPECT_TRUE(r.files["big"].truncated);

  for (const char* refused : {"leak", "up", "missing.txt", "../outside.txt", "/etc/passwd", "fifo", "d"}) {
    EXPECT_FALSE(r.files[refused].exists) << refused;
    EXPECT_TRUE(r.files[refused].data.empty()) << refused;
  }
}

TEST_F(ProcessExecutorTest, WorkdirMissingIsRunnerError) {
  RunRequest req = sh("true");
  req.workdir = dir_ / "nope";
  RunResult r = executor_.run(req);
  EXPECT_EQ(r.status, RunStatus::RunnerError);
  EXPECT_EQ(r.message, "workdir does not exist: " + (dir_ / "nope").string());
}

TEST_F(ProcessExecutorTest, EmptyCommandIsRunnerError) {
  RunResult r = executor_.run(request({}));
  EXPECT_EQ(r.status, RunStatus::RunnerError);
  EXPECT_EQ(r.message, "empty command");
}

TEST_F(ProcessExecutorTest, TwoExecutorsOnTwoThreadsDoNotMixRuns) {
  // Runs are serialised process-wide; each still gets its own output and its own verdict.
  ProcessExecutor other;
  auto loop = [this](ProcessExecutor& ex, const std::string& word, int code, int* failures) {
    for (int i = 0; i < 10; ++i) {
      RunResult r = ex.run(sh("echo " + word + "; sleep 1000 & exit " + std::to_string(code)));
      if (r.out.data != word + "\n" || r.exit_code != code) ++*failures;
    }
  };
  int failures_a = 0, failures_b = 0;
  std::thread a(loop, std::ref(executor_), "alpha", 3, &failures_a);
  std::thread b(loop, std::ref(other), "beta", 4, &failures_b);
  a.join();
  b.join();
  EXPECT_EQ(failures_a, 0);
  EXPECT_EQ(failures_b, 0);
}

TEST_F(ProcessExecutorTest, ReportsItsControls) {
  EXPECT_EQ(executor_.name(), "process");
  EXPECT_EQ(executor_.isolation(), (std::vector<std::string>{"pgroup", "rlimits", "subreaper"}));
}

}  // namespace
}  // namespace grader
