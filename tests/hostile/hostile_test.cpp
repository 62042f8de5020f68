// The hostile corpus: every submission under tests/hostile/attacks/ graded through the real CLI,
// for each executor (process, sandbox, sandbox in fallback mode) and identity (root, an
// unprivileged user). After each grading: the verdict is the one the attack's expect.toml
// declares, the grader is alive and wrote a valid UTF-8 JSON report, no process of the run is
// left (found by a marker in their argv and environment), and nothing the run should not reach
// changed (the submission's source, another run's workspace, the report's directory, the rubric,
// /usr, a TCP listener and an abstract socket of the host, a victim process, a terminal).
// tests/hostile/README.md describes the layout and expect.toml.
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "grader/rubric/loader.h"
#include "grader/util/text.h"
#include "tests/support/cli_runner.h"

namespace fs = std::filesystem;
using grader::testing::slurp;
using Clock = std::chrono::steady_clock;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;
const fs::path kCorpus = kRepo / "tests" / "hostile";
constexpr uid_t kNobody = 65534;  // the unprivileged identity root switches to for "user" cells
constexpr const char* kProcessSkip = "not contained by the process executor; sandbox only";

// ---------------------------------------------------------------------------------------------
// expect.toml

struct Expect {
  std::string summary;
  std::vector<std::string> run_status;                     // acceptable statuses of run "main"
  std::map<std::string, std::vector<std::string>> checks;  // check id -> acceptable statuses
  std::vector<std::string> uncontainable_in;               // "EXECUTOR" or "EXECUTOR:USER"
  std::string uncontainable_why;                           // why, for cells other than process
  std::vector<int> grader_exit{0, 1};
  double max_wall_s = 30;                // the whole grading
  std::optional<double> max_run_wall_s;  // run "main"
  std::vector<std::string> truncated;    // streams that must be cut
  std::vector<std::string> report_stdout_contains;
  std::vector<std::string> must_not_exist;  // absolute paths, @MARKER@ expanded
  std::vector<std::string> extra_files;     // made in the submission before grading
  std::optional<double> max_grader_rss_mb;
  bool tty = false;
  toml::table rubric;  // the attack's values for the corpus's rubric template
};

std::vector<std::string> strings(const toml::node* node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (auto s = node->value<std::string>()) {
    out.push_back(*s);
  } else if (auto* arr = node->as_array()) {
    for (const auto& e : *arr)
      if (auto v = e.value<std::string>()) out.push_back(*v);
  }
  return out;
}

Expect load_expect(const fs::path& file) {
  static const std::set<std::string> known = {"summary",
                                              "run_status",
                                              "checks",
                                              "sandbox_only",
                                              "uncontainable_in",
                                              "uncontainable_why",
                                              "grader_exit",
                                              "max_wall_s",
                                              "max_run_wall_s",
                                              "truncated",
                                              "report_stdout_contains",
                                              "must_not_exist",
                                              "extra_files",
                                              "max_grader_rss_mb",
                                              "tty",
                                              "rubric"};
  toml::table t = toml::parse_file(file.string());
  for (const auto& [k, v] : t)
    if (!known.count(std::string(k.str())))
      throw std::runtime_error(file.string() + ": unknown key '" + std::string(k.str()) + "'");
  Expect e;
  e.summary = t["summary"].value_or(std::string());
  e.run_status = strings(t["run_status"].node());
  if (auto* c = t["checks"].as_table())
    for (const auto& [k, v] : *c) e.checks[std::string(k.str())] = strings(&v);
  e.uncontainable_in = strings(t["uncontainable_in"].node());
  e.uncontainable_why = t["uncontainable_why"].value_or(std::string());
  if (t["sandbox_only"].value_or(false)) e.uncontainable_in.push_back("process");
  if (auto* a = t["grader_exit"].as_array()) {
    e.grader_exit.clear();
    for (const auto& v : *a) e.grader_exit.push_back(static_cast<int>(v.value_or<int64_t>(-1)));
  }
  e.max_wall_s = t["max_wall_s"].value_or(e.max_wall_s);
  if (auto v = t["max_run_wall_s"].value<double>()) e.max_run_wall_s = *v;
  e.truncated = strings(t["truncated"].node());
  e.report_stdout_contains = strings(t["report_stdout_contains"].node());
  e.must_not_exist = strings(t["must_not_exist"].node());
  e.extra_files = strings(t["extra_files"].node());
  if (auto v = t["max_grader_rss_mb"].value<double>()) e.max_grader_rss_mb = *v;
  e.tty = t["tty"].value_or(false);
  if (auto* r = t["rubric"].as_table()) e.rubric = *r;
  if (e.run_status.empty()) throw std::runtime_error(file.string() + ": run_status is required");
  return e;
}

// ---------------------------------------------------------------------------------------------
// The rubric: one template for the corpus, with each attack's values

// The attack's rubric (README.md): rubric-template.toml, exercise "hostile-ATTACK", the values'
// run keys over run "main"'s, the template's checks that shared_checks names (default
// "contained"), then the attack's own. @MARKER@ is left for the cell to fill in.
std::string make_rubric(const std::string& attack, const toml::table& values) {
  const fs::path template_path = kCorpus / "rubric-template.toml";
  toml::table rubric = toml::parse_file(template_path.string());
  const std::string where = "tests/hostile/attacks/" + attack + "/expect.toml [rubric]";
  for (const auto& [k, v] : values)
    if (k.str() != "run" && k.str() != "shared_checks" && k.str() != "check")
      throw std::runtime_error(where + ": unknown key '" + std::string(k.str()) + "'");
  rubric.insert_or_assign("exercise", "hostile-" + attack);
  toml::table& run = *rubric["run"][0].as_table();
  if (const toml::table* keys = values["run"].as_table())
    for (const auto& [k, v] : *keys) run.insert_or_assign(k, v);
  std::vector<std::string> names = {"contained"};
  if (values["shared_checks"]) names = strings(values["shared_checks"].node());
  toml::array checks;
  for (const auto& name : names) {
    const toml::node* found = nullptr;
    for (const auto& c : *rubric["check"].as_array())
      if (c.as_table()->at_path("id").value_or(std::string()) == name) found = &c;
    if (!found) throw std::runtime_error(where + ": no check '" + name + "' in " + template_path.string());
    checks.push_back(*found->as_table());
  }
  if (const toml::array* own = values["check"].as_array())
    for (const auto& c : *own) checks.push_back(*c.as_table());
  rubric.insert_or_assign("check", std::move(checks));
  std::ostringstream out;
  out << rubric << "\n";
  return out.str();
}

// ---------------------------------------------------------------------------------------------
// The matrix

struct Cell {
  std::string attack;
  std::string executor;  // process, sandbox, fallback
  std::string user;      // root, user
};

std::vector<std::string> attack_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kCorpus / "attacks", ec))
    if (fs::is_regular_file(e.path() / "main.py")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<Cell> cells() {
  std::vector<Cell> out;
  for (const auto& a : attack_names())
    for (const char* ex : {"process", "sandbox", "fallback"})
      for (const char* u : {"root", "user"}) out.push_back({a, ex, u});
  return out;
}

void PrintTo(const Cell& c, std::ostream* os) {
  *os << c.attack << " / " << c.executor << " / " << c.user;
}

std::string cell_name(const ::testing::TestParamInfo<Cell>& info) {
  std::string n = info.param.attack + "__" + info.param.executor + "__" + info.param.user;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

// ---------------------------------------------------------------------------------------------
// Helpers

std::string random_hex(std::size_t n) {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<std::uint64_t>(::getpid()));
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += digits[rng() % 16];
  return s;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

void write_file(const fs::path& p, const std::string& content, mode_t mode = 0644) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  ::chmod(p.c_str(), mode);
}

bool contains(const std::string& hay, const std::string& needle) {
  return !needle.empty() && hay.find(needle) != std::string::npos;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void chown_tree(const fs::path& root, uid_t uid, gid_t gid) {
  ::lchown(root.c_str(), uid, gid);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    ::lchown(it->path().c_str(), uid, gid);
}

// A stable description of a tree: path -> type, mode, size, mtime and content hash. Equal
// snapshots before and after a run mean the run changed nothing there.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  auto describe = [](const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return std::string("absent");
    std::ostringstream d;
    d << "mode=" << std::oct << st.st_mode << std::dec << " size=" << st.st_size << " uid=" << st.st_uid
      << " mtime=" << st.st_mtim.tv_sec << "." << st.st_mtim.tv_nsec;
    if (S_ISREG(st.st_mode)) {
      std::string data = slurp(p);
      d << " hash=" << std::hash<std::string>{}(data);
    } else if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      d << " -> " << fs::read_symlink(p, ec).string();
    }
    return d.str();
  };
  out["."] = describe(root);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    out[fs::relative(it->path(), root, ec).string()] = describe(it->path());
  return out;
}

std::string snapshot_diff(const std::map<std::string, std::string>& before,
                          const std::map<std::string, std::string>& after) {
  std::string d;
  for (const auto& [k, v] : before) {
    auto it = after.find(k);
    if (it == after.end())
      d += "  removed: " + k + "\n";
    else if (it->second != v)
      d += "  changed: " + k + " (" + v + " -> " + it->second + ")\n";
  }
  for (const auto& [k, v] : after)
    if (!before.count(k)) d += "  added: " + k + " (" + v + ")\n";
  return d;
}

// A process that exits while it is read makes the read fail (ESRCH from the kernel, which
// libstdc++ throws from underflow): it is gone, which is what the scan wants to know.
std::string read_proc(pid_t pid, const char* what) {
  try {
    return slurp(fs::path("/proc") / std::to_string(pid) / what);
  } catch (const std::exception&) {
    return {};
  }
}

// Every process whose argv or environment carries the marker: the run's, wherever they went.
std::vector<std::pair<pid_t, std::string>> processes_with(const std::string& marker) {
  std::vector<std::pair<pid_t, std::string>> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    pid_t pid = std::stoi(name);
    if (pid == ::getpid()) continue;
    std::string cmd = read_proc(pid, "cmdline"), env = read_proc(pid, "environ");
    if (contains(cmd, marker) || contains(env, marker)) {
      std::replace(cmd.begin(), cmd.end(), '\0', ' ');
      std::string stat = read_proc(pid, "stat");
      auto close = stat.rfind(')');
      std::string state =
          close != std::string::npos && close + 2 < stat.size() ? stat.substr(close + 2, 1) : "?";
      found.emplace_back(pid, "pid " + name + " state " + state + ": " + cmd.substr(0, 120));
    }
  }
  return found;
}

// Kills every process carrying the marker until none is left (a fork bomb keeps forking).
void kill_marked(const std::string& marker) {
  for (int round = 0; round < 100; ++round) {
    auto procs = processes_with(marker);
    if (procs.empty()) return;
    for (const auto& [pid, _] : procs) ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// ---------------------------------------------------------------------------------------------
// Things of the host that the run must not reach

// A process of "another user" with secrets in its argv and environment.
struct Victim {
  pid_t pid = -1;
  std::string argv_secret = "VICTIM-SECRET-" + random_hex(16);
  std::string env_secret = "VICTIM-ENVSECRET-" + random_hex(16);

  void start(std::optional<uid_t> uid) {
    pid = ::fork();
    if (pid == 0) {
      ::setsid();
      if (uid) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(*uid, *uid, *uid) != 0 ||
            ::setresuid(*uid, *uid, *uid) != 0)
          ::_exit(120);
      }
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
      std::string env = "VICTIM_ENV_SECRET=" + env_secret;
      char* envp[] = {env.data(), const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
      std::string script = "sleep 120; :";
      char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), script.data(),
                      argv_secret.data(), nullptr};
      ::execve("/bin/sh", argv, envp);
      ::_exit(121);
    }
  }
  bool alive() const {
    if (pid <= 0) return false;
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == 0;
  }
  ~Victim() {
    if (pid > 0) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

// A TCP listener on the host's 127.0.0.1 and an abstract unix socket; nothing may connect.
struct Listeners {
  int tcp = -1, unix_fd = -1;
  int port = 0;
  std::string abstract_name = "hostile-" + random_hex(16);

  Listeners() {
    tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (tcp >= 0 && ::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(tcp, 16) == 0 &&
        ::getsockname(tcp, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
    unix_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un u{};
    u.sun_family = AF_UNIX;
    std::memcpy(u.sun_path + 1, abstract_name.data(), abstract_name.size());
    ::bind(unix_fd, reinterpret_cast<sockaddr*>(&u),
           static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + abstract_name.size()));
    ::listen(unix_fd, 16);
  }
  // What reached them, empty if nothing.
  std::string reached() const {
    std::string r;
    for (auto [fd, what] :
         {std::pair{tcp, "the TCP listener on 127.0.0.1"}, std::pair{unix_fd, "the abstract unix socket"}}) {
      int c = ::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c >= 0) {
        char buf[256] = {};
        ssize_t n = ::recv(c, buf, sizeof buf - 1, 0);
        r += std::string("a connection reached ") + what +
             (n > 0 ? " and sent: " + std::string(buf, n) : "") + "; ";
        ::close(c);
      }
    }
    return r;
  }
  ~Listeners() {
    if (tcp >= 0) ::close(tcp);
    if (unix_fd >= 0) ::close(unix_fd);
  }
};

// A terminal with a session of its own ("the teacher's shell"), its input readable by the test.
struct Terminal {
  int master = -1, slave = -1;
  pid_t holder = -1;
  std::string path;

  void open(std::optional<uid_t> owner) {
    char name[256] = {};
    if (::openpty(&master, &slave, name, nullptr, nullptr) != 0) return;
    path = name;
    struct termios t {};
    ::tcgetattr(slave, &t);
    ::cfmakeraw(&t);
    ::tcsetattr(slave, TCSANOW, &t);
    if (owner) ::chown(path.c_str(), *owner, static_cast<gid_t>(-1));
    holder = ::fork();
    if (holder == 0) {
      ::setsid();
      int fd = ::open(path.c_str(), O_RDWR);  // becomes this session's controlling terminal
      (void)fd;
      ::pause();
      ::_exit(0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::string pending_input() const {
    if (slave < 0) return {};
    int flags = ::fcntl(slave, F_GETFL);
    ::fcntl(slave, F_SETFL, flags | O_NONBLOCK);
    std::string got;
    char buf[512];
    ssize_t n;
    while ((n = ::read(slave, buf, sizeof buf)) > 0) got.append(buf, static_cast<std::size_t>(n));
    return got;
  }
  ~Terminal() {
    if (holder > 0) {
      ::kill(holder, SIGKILL);
      ::waitpid(holder, nullptr, 0);
    }
    if (slave >= 0) ::close(slave);
    if (master >= 0) ::close(master);
  }
};

// ---------------------------------------------------------------------------------------------
// Running the grader: as root or switched to an unprivileged uid, in its own session, with a
// clean environment, a wall-clock limit, and its rusage.

struct GraderRun {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  bool hung = false;
  double wall_s = 0;
  long max_rss_kb = 0;
  std::string out, err;
};

GraderRun run_grader(const std::vector<std::string>& args, const std::vector<std::string>& env,
                     const fs::path& cwd, const fs::path& private_dir, std::optional<uid_t> switch_to,
                     int stdin_fd, double limit_s) {
  fs::path out = private_dir / "grader.out", err = private_dir / "grader.err";
  auto start = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int in = stdin_fd >= 0 ? stdin_fd : ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || in < 0 || ::dup2(in, 0) < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(122);
    if (switch_to) {  // what `setpriv --reuid=65534 --regid=65534 --clear-groups` does
      if (::setgroups(0, nullptr) != 0 || ::setresgid(*switch_to, *switch_to, *switch_to) != 0 ||
          ::setresuid(*switch_to, *switch_to, *switch_to) != 0)
        ::_exit(123);
    }
    if (::chdir(cwd.c_str()) != 0) ::_exit(124);
    std::vector<std::string> a = args;
    std::string bin = GRADER_BINARY;
    std::vector<char*> argv{bin.data()};
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<std::string> e2 = env;
    std::vector<char*> envp;
    for (auto& s : e2) envp.push_back(s.data());
    envp.push_back(nullptr);
    ::execve(bin.c_str(), argv.data(), envp.data());
    ::_exit(125);
  }
  GraderRun r;
  int status = 0;
  struct rusage ru {};
  auto deadline = start + std::chrono::duration<double>(limit_s);
  for (;;) {
    pid_t w = ::wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) break;
    if (Clock::now() >= deadline) {
      r.hung = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &ru);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.max_rss_kb = ru.ru_maxrss;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// ---------------------------------------------------------------------------------------------
// The test

class Hostile : public ::testing::TestWithParam<Cell> {};

TEST_P(Hostile, IsContained) {
  const Cell& cell = GetParam();
  const fs::path attack_dir = kCorpus / "attacks" / cell.attack;
  const Expect expect = load_expect(attack_dir / "expect.toml");
  const bool root = ::geteuid() == 0;
  const bool verify_attacks = std::getenv("HOSTILE_VERIFY_ATTACKS") != nullptr;

  if (cell.user == "root" && !root)
    GTEST_SKIP() << "a root cell; this test runs unprivileged (its user cells run as this user)";
  const std::string exec_name = cell.executor == "fallback" ? "sandbox" : cell.executor;
  bool uncontainable = false;
  for (const auto& u : expect.uncontainable_in)
    if (u == cell.executor || u == cell.executor + ":" + cell.user) uncontainable = true;
  if (uncontainable && !verify_attacks) {
    if (cell.executor == "process") GTEST_SKIP() << kProcessSkip;
    GTEST_SKIP() << "declared in expect.toml as not containable by " << cell.executor << " as " << cell.user
                 << ": " << expect.uncontainable_why;
  }

  // Identity: "user" cells run the grader as nobody when the test is root, as the test's own
  // user otherwise. The run's files belong to whoever runs the grader.
  std::optional<uid_t> switch_to;
  if (cell.user == "user" && root) switch_to = kNobody;
  const uid_t owner = switch_to ? *switch_to : ::geteuid();
  const gid_t owner_gid = switch_to ? static_cast<gid_t>(kNobody) : ::getegid();

  const std::string marker = "hostilemk_" + replace_all(cell.attack, "-", "_") + "_" + cell.executor + "_" +
                             cell.user + "_" + std::to_string(::getpid()) + "_" + random_hex(8);
  const std::string canary = "GRADER-CANARY-VALUE-" + random_hex(16);

  grader::testing::ScratchDir scratch;
  ::chmod(scratch.path.c_str(), 0755);
  const fs::path priv = scratch.path / "private";  // the test's own: grader's stdout/stderr
  fs::create_directories(priv);
  ::chmod(priv.c_str(), 0700);
  const fs::path src = scratch.path / "src" / cell.attack;  // the submission's source directory
  const fs::path rubric = scratch.path / "rubrics" / ("hostile-" + cell.attack + ".toml");
  const fs::path out_dir = scratch.path / "out";
  const fs::path report = out_dir / "report.json";
  const fs::path tmp = scratch.path / "tmp";  // the grader's TMPDIR, where workspaces go
  const fs::path other_ws = tmp / "grader-ws-other-run";
  const fs::path home = scratch.path / "home";
  const fs::path host_canary = scratch.path / "host-canary.txt";
  const fs::path bin = scratch.path / "bin";

  fs::create_directories(src);
  fs::copy(attack_dir, src, fs::copy_options::recursive);
  fs::remove(src / "expect.toml");
  fs::copy_file(kCorpus / "lib" / "hostile.py", src / "hostile.py");
  for (const auto& name : expect.extra_files) write_file(src / name, "submitted\n");
  const std::string rubric_text = replace_all(make_rubric(cell.attack, expect.rubric), "@MARKER@", marker);
  if (std::getenv("HOSTILE_SHOW"))
    std::cout << "---- rubric (" << cell.attack << "):\n" << rubric_text << "----\n";
  write_file(rubric, rubric_text);
  fs::create_directories(out_dir);
  fs::create_directories(other_ws);
  write_file(other_ws / "result.txt", "the other run's result\n", 0600);
  ::chmod(other_ws.c_str(), 0700);
  fs::create_directories(home);
  write_file(host_canary, "HOST-CANARY " + random_hex(8) + "\n");
  if (switch_to) chown_tree(scratch.path, owner, owner_gid);
  ::chmod(tmp.c_str(), 01777);
  std::string suid_binary;
  if (root) {  // a setuid-root binary of the host: a copy of id(1)
    fs::create_directories(bin);
    fs::copy_file("/usr/bin/id", bin / "suid-id");
    ::chown((bin / "suid-id").c_str(), 0, 0);
    ::chmod((bin / "suid-id").c_str(), 04755);
    suid_binary = (bin / "suid-id").string();
  }

  Victim victim;
  victim.start(switch_to);
  Listeners listeners;
  Terminal terminal;
  if (expect.tty) terminal.open(switch_to ? std::optional<uid_t>(owner) : std::nullopt);

  std::string host_pidns;
  {
    std::error_code ec;
    host_pidns = fs::read_symlink("/proc/self/ns/pid", ec).string();
  }
  nlohmann::json info = {{"marker", marker},
                         {"report_path", report.string()},
                         {"out_dir", out_dir.string()},
                         {"source_dir", src.string()},
                         {"other_workspace", other_ws.string()},
                         {"rubric_path", rubric.string()},
                         {"repo_dir", kRepo.string()},
                         {"port", listeners.port},
                         {"abstract_socket", listeners.abstract_name},
                         {"victim_pid", victim.pid},
                         {"host_pidns", host_pidns},
                         {"suid_binary", suid_binary},
                         {"tty", terminal.path},
                         {"host_canary", host_canary.string()}};
  write_file(src / "hostile.json", info.dump(2) + "\n");
  if (switch_to) chown_tree(src, owner, owner_gid);

  std::vector<std::string> must_not_exist;
  for (const auto& p : expect.must_not_exist) must_not_exist.push_back(replace_all(p, "@MARKER@", marker));
  struct Cleanup {
    std::string marker;
    std::vector<std::string> paths;
    ~Cleanup() {
      kill_marked(marker);
      for (const auto& p : paths) {
        std::error_code ec;
        fs::remove(p, ec);
      }
    }
  } cleanup{marker, must_not_exist};

  auto snap_src = snapshot(src), snap_rubrics = snapshot(rubric.parent_path()),
       snap_other = snapshot(other_ws), snap_canary = snapshot(host_canary), snap_bin = snapshot(bin);

  std::vector<std::string> args = {"check", rubric.string(), src.string(), "--format", "json",    "--teacher",
                                   "--out", report.string(), "--executor", exec_name,  "--color", "never"};
  std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home.string(),
                                  "TMPDIR=" + tmp.string(), "LANG=C.UTF-8", "GRADER_SECRET_CANARY=" + canary};
  if (cell.executor == "fallback") env.push_back("GRADER_SANDBOX_DISABLE=userns,cgroup");
  GraderRun g =
      run_grader(args, env, home, priv, switch_to, expect.tty ? terminal.slave : -1, expect.max_wall_s + 30);

  if (cell.executor != "process" && g.exit_code == 2 && contains(g.err, "unknown executor"))
    GTEST_SKIP() << "sandbox executor not built yet (grader check --executor sandbox: " << grader::trim(g.err)
                 << ")";

  const std::string context = "attack " + cell.attack + " (" + expect.summary + "), executor " +
                              cell.executor + ", as " + cell.user +
                              "\ngrader stderr: " + g.err.substr(0, 2000);
  SCOPED_TRACE(context);

  // The grader is alive and answered with a valid report.
  EXPECT_FALSE(g.hung) << "the grader did not finish within " << expect.max_wall_s + 30 << " s";
  EXPECT_EQ(g.signal, 0) << "the grader was killed by signal " << g.signal;
  EXPECT_TRUE(std::count(expect.grader_exit.begin(), expect.grader_exit.end(), g.exit_code))
      << "grader exit code " << g.exit_code << ", expected one of the declared codes";
  EXPECT_LE(g.wall_s, expect.max_wall_s) << "the grading took " << g.wall_s << " s";
  if (expect.max_grader_rss_mb) {
    EXPECT_LE(g.max_rss_kb / 1024.0, *expect.max_grader_rss_mb)
        << "peak memory of the grader (and what it reaped)";
  }

  const std::string report_text = slurp(report);
  nlohmann::json j;
  bool parsed = false;
  if (report_text.empty()) {
    ADD_FAILURE() << "no report at " << report << "; grader stdout: " << g.out.substr(0, 2000);
  } else {
    EXPECT_TRUE(grader::is_valid_utf8(report_text)) << "the report is not valid UTF-8";
    try {
      j = nlohmann::json::parse(report_text);
      parsed = true;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the report is not valid JSON: " << e.what() << "\n" << report_text.substr(0, 2000);
    }
  }

  std::string run_stdout, run_stderr;
  if (parsed) {
    EXPECT_EQ(j.value("schema", ""), "grader-report/1");
    EXPECT_EQ(j.value("exercise", ""), "hostile-" + cell.attack) << "not the grader's report";
    EXPECT_EQ(j["runner"].value("executor", ""), exec_name);
    if (cell.executor == "fallback") {
      for (const auto& c : j["runner"]["isolation"]) {
        std::string s = c.get<std::string>();
        EXPECT_TRUE(s.rfind("cgroup", 0) != 0 && s != "user" && s != "userns")
            << "fallback mode with user namespaces and cgroups disabled claims '" << s
            << "' in runner.isolation";
      }
    }
    const nlohmann::json* main = nullptr;
    for (const auto& r : j["runs"])
      if (r.value("id", "") == "main") main = &r;
    if (!main) {
      ADD_FAILURE() << "no run 'main' in the report";
    } else {
      const auto& m = *main;
      std::string status = m.value("status", "");
      run_stdout = m["stdout"].is_string() ? m["stdout"].get<std::string>() : "";
      run_stderr = m["stderr"].is_string() ? m["stderr"].get<std::string>() : "";
      EXPECT_TRUE(std::count(expect.run_status.begin(), expect.run_status.end(), status))
          << "run status '" << status << "' (" << m.value("message", "")
          << "), expected one of: " << joined(expect.run_status)
          << "\nrun stdout: " << run_stdout.substr(0, 3000) << "\nrun stderr: " << run_stderr.substr(0, 1500);
      if (expect.max_run_wall_s) {
        EXPECT_LE(m.value("wall_s", 1e9), *expect.max_run_wall_s) << "the run's wall time";
      }
      for (const auto& s : expect.truncated) {
        EXPECT_TRUE(m.value(s + "_truncated", false)) << s << " should have been cut at the output limit";
      }
      for (const auto& want : expect.report_stdout_contains) {  // \xNN: either case of hex digit
        EXPECT_TRUE(contains(lower(run_stdout), lower(want)))
            << "the report's stdout should contain '" << want << "'";
      }
    }
    // Where the attack is known to get through (verify mode), its checks say so; not asserted.
    for (const auto& [id, statuses] : uncontainable ? decltype(expect.checks){} : expect.checks) {
      const nlohmann::json* c = nullptr;
      for (const auto& x : j["checks"])
        if (x.value("id", "") == id) c = &x;
      if (!c) {
        ADD_FAILURE() << "no check '" << id << "' in the report";
        continue;
      }
      std::string status = c->value("status", "");
      EXPECT_TRUE(std::count(statuses.begin(), statuses.end(), status))
          << "check '" << id << "' is " << status << " (" << c->value("message", "") << "), expected "
          << joined(statuses) << "\nrun stdout: " << run_stdout.substr(0, 3000);
    }
  }

  // What the attack says got through.
  std::vector<std::string> escapes;
  for (const auto& line : grader::split_lines(run_stdout))
    if (line.rfind("ESCAPED", 0) == 0) escapes.emplace_back(line);
  for (const auto& line : grader::split_lines(run_stdout)) {
    EXPECT_NE(line.rfind("ATTACK-ERROR", 0), 0u) << "the attack is broken: " << line;
  }
  if (std::getenv("HOSTILE_SHOW"))
    std::cout << "---- run stdout (" << cell.attack << "):\n" << run_stdout.substr(0, 3000) << "\n----\n";
  if (uncontainable) {
    // HOSTILE_VERIFY_ATTACKS: where nothing contains the attack, it must get through: the
    // attack is a working program, not one that fails for its own reasons.
    EXPECT_FALSE(escapes.empty()) << "the attack got nowhere where it is declared uncontainable; stdout:\n"
                                  << run_stdout.substr(0, 3000);
    std::cout << "[ verify ] " << cell.attack << " under " << cell.executor << " as " << cell.user << ":\n";
    for (const auto& e : escapes) std::cout << "    " << e << "\n";
  } else {
    EXPECT_TRUE(escapes.empty()) << "the attack got through:\n  " << joined(escapes) << "\nrun stdout:\n"
                                 << run_stdout.substr(0, 3000);
  }

  // No process of the run is left. A short grace for processes already SIGKILLed but not yet gone.
  auto survivors = processes_with(marker);
  for (int i = 0; i < 25 && !survivors.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    survivors = processes_with(marker);
  }
  if (!survivors.empty()) {
    std::string list;
    for (std::size_t i = 0; i < survivors.size() && i < 10; ++i) list += "\n  " + survivors[i].second;
    ADD_FAILURE() << survivors.size() << " process(es) of the run survived the grading:" << list;
  }
  kill_marked(marker);

  if (uncontainable) return;  // verify mode: the containment checks below are known to fail here

  // Secrets of the host never reach the report.
  for (const auto& [secret, what] : {std::pair{canary, "the grader's GRADER_SECRET_CANARY"},
                                     std::pair{victim.argv_secret, "the victim's argv secret"},
                                     std::pair{victim.env_secret, "the victim's environment secret"}}) {
    EXPECT_FALSE(contains(report_text, secret)) << what << " is in the report";
    EXPECT_FALSE(contains(g.out, secret)) << what << " is in the grader's stdout";
  }

  // Nothing outside the work directory changed.
  std::string diff;
  for (auto [before, root_path, what] :
       {std::tuple{&snap_src, fs::path(src), "the submission's source directory"},
        std::tuple{&snap_rubrics, rubric.parent_path(), "the rubric's directory"},
        std::tuple{&snap_other, other_ws, "another run's workspace"},
        std::tuple{&snap_canary, host_canary, "a file of the host"},
        std::tuple{&snap_bin, bin, "the host's bin"}}) {
    std::string d = snapshot_diff(*before, snapshot(root_path));
    if (!d.empty()) diff += std::string(what) + " (" + root_path.string() + "):\n" + d;
  }
  EXPECT_TRUE(diff.empty()) << "changed outside the work directory:\n" << diff;
  std::vector<std::string> out_files, tmp_files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out_dir, ec)) out_files.push_back(e.path().filename().string());
  for (const auto& e : fs::directory_iterator(tmp, ec)) tmp_files.push_back(e.path().filename().string());
  std::sort(tmp_files.begin(), tmp_files.end());
  EXPECT_EQ(out_files, std::vector<std::string>{"report.json"})
      << "the report's directory holds more than the report";
  EXPECT_EQ(tmp_files, std::vector<std::string>{"grader-ws-other-run"})
      << "the grader's TMPDIR holds more than the other run's workspace (a workspace left behind, or written "
         "by the run)";
  for (const auto& p : must_not_exist) {
    EXPECT_FALSE(fs::exists(fs::symlink_status(p, ec))) << p << " was created";
  }

  // Nothing of the host was reached.
  EXPECT_EQ(listeners.reached(), "");
  EXPECT_TRUE(victim.alive()) << "the victim process (pid " << victim.pid
                              << ", another user's job) was killed";
  if (expect.tty) {
    std::string typed = terminal.pending_input();
    EXPECT_FALSE(contains(typed, "HOSTILE"))
        << "input was pushed into the host's terminal " << terminal.path << ": " << typed;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, Hostile, ::testing::ValuesIn(cells()), cell_name);

// Every attack's rubric, without running anything: the grader's loader takes it, and it defines
// every check that expect.toml gives a status for.
TEST(HostileRubric, EveryAttackHasOneThatDefinesItsExpectedChecks) {
  for (const auto& attack : attack_names()) {
    SCOPED_TRACE(attack);
    const Expect expect = load_expect(kCorpus / "attacks" / attack / "expect.toml");
    const std::string text = replace_all(make_rubric(attack, expect.rubric), "@MARKER@", "marker");
    const grader::Rubric rubric = grader::parse_rubric(text, attack + " (from rubric-template.toml)");
    EXPECT_EQ(rubric.exercise, "hostile-" + attack);
    std::set<std::string> ids;
    for (const auto& c : rubric.checks) ids.insert(c.id);
    for (const auto& [id, statuses] : expect.checks) EXPECT_TRUE(ids.count(id)) << "no check '" << id << "'";
  }
}

}  // namespace
