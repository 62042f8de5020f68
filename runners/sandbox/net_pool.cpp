// Reused network namespaces; see net_pool.h.
#include "runners/sandbox/net_pool.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <sstream>
#include <thread>

#include "runners/process/run_io.h"
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
  return std::string(what) + ": " + runio::errno_text(errno);
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
      const auto colon = line.find(':');
      std::istringstream words(colon == std::string::npos ? line : line.substr(colon + 1));
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
    v4 = runio::read_small_file("/proc/thread-self/net/sockstat");
    v6 = runio::read_small_file("/proc/thread-self/net/sockstat6");  // absent without IPv6
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
