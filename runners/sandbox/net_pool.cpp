// Reused network namespaces; see net_pool.h.
#include "runners/sandbox/net_pool.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "runners/sandbox/namespaces.h"

namespace grader::sandbox {

namespace {

// Runs `fn` on a new thread and waits for it: setns and unshare of a network namespace change
// only the calling thread, which then ends with it.
template <class Fn>
void on_own_thread(Fn fn) {
  std::thread t(fn);
  t.join();
}

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// The file's text; nullopt when it cannot be opened (a protocol this kernel does not have).
std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int make_netns(std::string& error) {
  int fd = -1;
  on_own_thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      error = errno_text("unshare(CLONE_NEWNET)");
      return;
    }
    if (const char* failed = bring_up_loopback()) {
      error = errno_text(failed);
      return;
    }
    fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) error = errno_text("open /proc/thread-self/ns/net");
  });
  return fd;
}

bool sockstat_shows_no_socket(const std::string& sockstat, const std::string& sockstat6) {
  // "sockets: used 0", "TCP: inuse 0 orphan 0 tw 0 alloc 13 mem 3", "UDP: inuse 0 mem 0", ...;
  // alloc and mem are the whole machine's, inuse, tw and used this namespace's.
  if (sockstat.rfind("sockets: used ", 0) != 0) return false;
  for (const std::string* text : {&sockstat, &sockstat6}) {
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream words(line.substr(line.find(':') == std::string::npos ? 0 : line.find(':') + 1));
      for (std::string name, value; words >> name >> value;)
        if ((name == "used" || name == "inuse" || name == "tw") && value != "0") return false;
    }
  }
  return true;
}

bool netns_is_empty(int fd) {
  std::optional<std::string> v4, v6;
  on_own_thread([&] {
    if (::setns(fd, CLONE_NEWNET) != 0) return;
    v4 = slurp("/proc/thread-self/net/sockstat");
    v6 = slurp("/proc/thread-self/net/sockstat6");  // absent without IPv6
  });
  return v4 && sockstat_shows_no_socket(*v4, v6.value_or(""));
}

NetnsPool::~NetnsPool() {
  for (int fd : idle_) ::close(fd);
}

int NetnsPool::lease(std::string& error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      const int fd = idle_.back();
      idle_.pop_back();
      return fd;
    }
  }
  return make_netns(error);
}

void NetnsPool::give_back(int fd, bool reusable) {
  if (fd < 0) return;
  if (!reusable || !netns_is_empty(fd)) {
    ::close(fd);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(fd);
}

}  // namespace grader::sandbox
